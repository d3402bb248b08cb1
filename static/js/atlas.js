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

  window.addEventListener("load", function () {
    decodeTitles();
    // On a phone the legend would hide the map: start it folded (one tap opens it).
    if (window.matchMedia("(max-width: 700px)").matches) {
      document.querySelectorAll(".atlas-legend details[open]").forEach(function (d) {
        d.open = false;
      });
    }
    if (location.hash.length > 1) show(decodeURIComponent(location.hash.slice(1)), false);
  });
})();
