// The Embed form of a journey page: writes the iframe code for the chosen size and
// options (in the same form as app/views/embed.py) and copies it. Sends nothing.
(function () {
  "use strict";

  var RATIOS = { "16:9": "56.25%", "4:3": "75%" };
  var IFRAME_END =
    ' loading="lazy" referrerpolicy="no-referrer" allow="fullscreen" allowfullscreen></iframe>';

  // As markupsafe escapes attribute values.
  function attr(value) {
    return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&#34;").replace(/'/g, "&#39;");
  }

  function clamp(input) {
    var n = parseInt(input.value, 10);
    if (isNaN(n)) n = parseInt(input.defaultValue, 10);
    return Math.min(Math.max(n, Number(input.min)), Number(input.max));
  }

  // Only what differs from the embed's defaults, in the server's order.
  function src(form) {
    var f = form.elements;
    var params = new URLSearchParams();
    var controls = f.controls.checked;
    if (f.leg.value) params.set("leg", f.leg.value);
    if (!f.hazards.checked) params.set("hazards", "0");
    if (!controls) params.set("controls", "0");
    if (f.legend.checked !== controls) params.set("legend", f.legend.checked ? "1" : "0");
    var lang = form.getAttribute("data-lang");
    if (lang) params.set("lang", lang);
    var query = params.toString();
    return form.getAttribute("data-src") + (query ? "?" + query : "");
  }

  function snippet(form) {
    var f = form.elements;
    // The title's words come from the page, in its language ("Map: {title} (Escape Route Atlas)").
    var name = form.getAttribute("data-title");
    var template = form.getAttribute("data-msg-title") || "Map: {title} (Escape Route Atlas)";
    var title = attr(template.replace("{title}", function () { return name; }));
    var size = f.size.value;
    if (size === "fixed") {
      return '<iframe src="' + attr(src(form)) + '" width="' + clamp(f.width) +
        '" height="' + clamp(f.height) + '" title="' + title +
        '" style="border:0;max-width:100%"' + IFRAME_END;
    }
    return '<div style="position:relative;width:100%;padding-top:' + RATIOS[size] + '">' +
      '<iframe src="' + attr(src(form)) + '" title="' + title +
      '" style="position:absolute;top:0;left:0;width:100%;height:100%;border:0"' +
      IFRAME_END + "</div>";
  }

  function update(form) {
    var fixed = form.elements.size.value === "fixed";
    form.elements.width.disabled = !fixed;
    form.elements.height.disabled = !fixed;
    form.elements.code.value = snippet(form);
    form.querySelector(".embed-status").textContent = "";
  }

  function copy(form) {
    var code = form.elements.code;
    var status = form.querySelector(".embed-status");
    function selected() {
      code.focus();
      code.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      status.textContent = form.getAttribute(done ? "data-msg-copied" : "data-msg-select");
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(code.value).then(
        function () { status.textContent = form.getAttribute("data-msg-copied"); },
        selected
      );
    } else {
      selected();
    }
  }

  document.querySelectorAll(".embed-share").forEach(function (share) {
    var toggle = share.querySelector(".embed-toggle");
    var form = share.querySelector(".embed-form");
    toggle.addEventListener("click", function () {
      var open = form.hidden;
      form.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
    });
    form.addEventListener("input", function () { update(form); });
    form.addEventListener("change", function () { update(form); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    share.querySelector(".embed-copy").addEventListener("click", function () { copy(form); });
    update(form);
  });
})();
