// Citations by selection (app/editor/citations.py): the words selected in one passage
// become the quote, with their offsets into the source's whole text in code points
// (the W3C TextPositionSelector counts code points; JavaScript strings count UTF-16
// units). The server re-verifies both before saving. Nothing is inserted as HTML.
(function () {
  "use strict";
  const reader = document.querySelector("[data-cite-reader]");
  const form = document.getElementById("cite-form");
  if (!reader || !form) return;
  const quote = form.querySelector("[name=cite_quote]");
  const start = form.querySelector("[name=cite_start]");
  const end = form.querySelector("[name=cite_end]");
  const status = document.getElementById("cite-status");

  function passageOf(node) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(".cite-passage") : null;
  }

  function unitsBefore(passage, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(passage);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function codePoints(text) {
    return Array.from(text).length;
  }

  function take() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    const passage = passageOf(range.startContainer);
    if (!passage || !reader.contains(passage)) return;
    if (passage !== passageOf(range.endContainer)) {
      // The words come from the page, in its language (data-msg-* of #cite-status).
      status.textContent = status.dataset.msgSpan;
      return;
    }
    const text = passage.textContent;
    let from = unitsBefore(passage, range.startContainer, range.startOffset);
    let to = unitsBefore(passage, range.endContainer, range.endOffset);
    while (from < to && /\s/.test(text[from])) from += 1;
    while (to > from && /\s/.test(text[to - 1])) to -= 1;
    if (from === to) return;
    const base = Number(passage.dataset.start);
    quote.value = text.slice(from, to);
    start.value = String(base + codePoints(text.slice(0, from)));
    end.value = String(base + codePoints(text.slice(0, to)));
    const said = status.dataset.msgSelected;  // "Selected in passage {n}: “{quote}”"
    status.textContent = said.replace("{n}", function () { return passage.dataset.number; })
      .replace("{quote}", function () { return quote.value; });
  }

  reader.addEventListener("mouseup", take);
  reader.addEventListener("keyup", take);
  // A quote changed by hand is located in the text by the server instead.
  quote.addEventListener("input", function () {
    start.value = "";
    end.value = "";
    status.textContent = status.dataset.msgTyped;
  });
})();
