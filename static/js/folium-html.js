// Folium's popups build their content with jQuery's HTML parsing, `$(`<div …>`)[0]`,
// the only use of jQuery on the atlas's maps. This parses that one form the same way
// (elements from an HTML string, no script run), so a page does not load jQuery (31 KB
// compressed, which a Korean page's first visit could not afford).
(function () {
  "use strict";
  if (window.$) return;
  window.$ = function (html) {
    var template = document.createElement("template");
    template.innerHTML = String(html).trim();
    return Array.prototype.filter.call(template.content.childNodes, function (node) {
      return node.nodeType === 1;
    });
  };
})();
