// Ties the text itinerary to the map: "Show on map" buttons and #leg-N / #hazard-SLUG
// links open the matching feature's popup. Reads only our own data; sends nothing.
(function () {
  "use strict";

  function findFeature(id) {
    var maps = window.atlasMaps || [];
    for (var i = 0; i < maps.length; i++) {
      if (maps[i].features[id]) return { map: maps[i].map, layer: maps[i].features[id] };
    }
    return null;
  }

  function show(id, scroll) {
    var found = findFeature(id);
    if (!found) return false;
    var layer = found.layer;
    if (!found.map.hasLayer(layer)) found.map.addLayer(layer);
    if (scroll) found.map.getContainer().scrollIntoView({ block: "center" });
    var target = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
    layer.openPopup(target);
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.show-on-map");
    if (button) show(button.getAttribute("data-feature"), true);
  });

  // Marker titles reach Leaflet as escaped text (see app/escaping.py), and Leaflet
  // sets a title as plain text: decode the character references once, for display.
  // (A detached textarea parses its content as text: nothing in it can run.)
  var scratch = document.createElement("textarea");
  function decodeTitle(layer) {
    if (layer.options && layer.options.title && !layer._atlasTitleDecoded) {
      scratch.innerHTML = layer.options.title;
      layer.options.title = scratch.value;
      layer._atlasTitleDecoded = true;
    }
    if (layer._icon && layer.options.title) layer._icon.title = layer.options.title;
  }

  function decodeTitles() {
    (window.atlasMaps || []).forEach(function (entry) {
      entry.map.eachLayer(decodeTitle);
      entry.map.on("layeradd", function (event) { decodeTitle(event.layer); });
    });
  }

  // Hazard symbols sit on a ring around their place; at low zoom a ring can fall on
  // another place's numbered stop. Push such a symbol outward along its ring until
  // both can be seen and clicked (in screen pixels, so the map claims no new spot).
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function spreadHazards(map) {
    var container = map.getContainer();
    var stops = Array.prototype.map.call(
      container.querySelectorAll(".leaflet-marker-icon .atlas-stop"),
      function (el) { return el.getBoundingClientRect(); }
    );
    map.eachLayer(function (layer) {
      if (!layer._icon || !layer._icon.querySelector(".atlas-hazard")) return;
      var icon = layer._icon;
      if (icon._atlasMargin === undefined) {
        icon._atlasMargin = [parseFloat(icon.style.marginLeft), parseFloat(icon.style.marginTop)];
      }
      var base = icon._atlasMargin;
      icon.style.marginLeft = base[0] + "px";
      icon.style.marginTop = base[1] + "px";
      var size = icon.offsetWidth / 2;
      var dx = -(base[0] + size), dy = -(base[1] + size);  // ring offset of its centre
      var length = Math.hypot(dx, dy) || 1;
      for (var step = 1; step <= 6; step++) {
        var rect = icon.getBoundingClientRect();
        if (!stops.some(function (stop) { return overlaps(rect, stop); })) break;
        icon.style.marginLeft = base[0] - (dx / length) * 10 * step + "px";
        icon.style.marginTop = base[1] - (dy / length) * 10 * step + "px";
      }
    });
  }

  window.addEventListener("load", function () {
    decodeTitles();
    (window.atlasMaps || []).forEach(function (entry) {
      spreadHazards(entry.map);
      entry.map.on("zoomend overlayadd", function () { spreadHazards(entry.map); });
    });
    // On a phone the legend would hide the map: start it folded (one tap opens it).
    if (window.matchMedia("(max-width: 700px)").matches) {
      document.querySelectorAll(".atlas-legend details[open]").forEach(function (d) {
        d.open = false;
      });
    }
    if (location.hash.length > 1) show(decodeURIComponent(location.hash.slice(1)), false);
  });
})();
