// The embed's own behaviour: show the leg it was asked for, follow the frame's size,
// keep the sources panel on the map, and open every link that leaves the frame in a
// new tab (the atlas's other pages refuse to be framed). Sends nothing anywhere.
(function () {
  "use strict";

  var JOURNEY_FEATURE = /^(leg|stop|hazard)-/;

  function boundsOf(layer) {
    return layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
  }

  // What the first view frames: the focused leg, or the whole journey (its legs,
  // stops and hazard symbols, as the server's first fit does).
  function target(entry, focus) {
    if (focus) return boundsOf(focus);
    var bounds = null;
    Object.keys(entry.features).forEach(function (key) {
      if (!JOURNEY_FEATURE.test(key)) return;
      var b = boundsOf(entry.features[key]);
      bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
    });
    return bounds;
  }

  // First in the top left corner, above any zoom buttons (where embeds put the way
  // out to the full map); there it also fits beside the layers button in a phone-wide
  // frame, which the bottom corners, holding the legend and attribution, do not.
  function dockPanel(map) {
    var panel = document.getElementById("embed-panel");
    if (!panel) return;
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      L.DomUtil.addClass(panel, "leaflet-control");
      L.DomEvent.disableClickPropagation(panel);
      L.DomEvent.disableScrollPropagation(panel);
      return panel;
    };
    control.addTo(map);
    panel.parentNode.insertBefore(panel, panel.parentNode.firstChild);
  }

  // The bottom of the top row of controls: the sources line and the layers button.
  function topRow() {
    var bottom = 0;
    document.querySelectorAll(
      ".embed-sources > summary, .embed-open, .leaflet-top.leaflet-right .leaflet-control"
    ).forEach(function (el) {
      bottom = Math.max(bottom, el.getBoundingClientRect().bottom);
    });
    return bottom;
  }

  // The right edge of the buttons down the left side (zoom, fullscreen).
  function leftColumn() {
    var right = 0;
    document.querySelectorAll(".leaflet-top.leaflet-left .leaflet-bar").forEach(function (el) {
      right = Math.max(right, el.getBoundingClientRect().right);
    });
    return right;
  }

  window.addEventListener("load", function () {
    var entry = (window.atlasMaps || [])[0];
    if (!entry) return;
    var map = entry.map;
    var focusKey = document.body.getAttribute("data-focus");
    var focus = focusKey ? entry.features[focusKey] : null;
    var bounds = target(entry, focus);
    var touched = false;
    var popup = null;

    function fit() {
      // Clear of every control, the sources panel included (static/js/map-layout.js).
      if (bounds && window.atlasLayout) window.atlasLayout.fit(map, bounds, 7);
      else if (bounds) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 7, animate: false });
      if (popup) popup.update();  // and pan again so the open popup stays whole
    }

    function start() {
      fit();
      if (focus) focus.openPopup(boundsOf(focus).getCenter());
    }

    dockPanel(map);
    map.on("popupopen", function (e) {
      popup = e.popup;
      // Pan the popup below the top row of controls and clear of the zoom buttons, so
      // its close button and first lines are never under them (in a narrow frame).
      var inset = L.point(leftColumn() + 5, topRow() + 5);
      if (!inset.equals(L.point(popup.options.autoPanPaddingTopLeft || [0, 0]))) {
        popup.options.autoPanPaddingTopLeft = inset;
        popup.update();
      }
    });
    map.on("popupclose", function (e) { if (popup === e.popup) popup = null; });
    // The map's own first fit may still be zooming: its end would re-centre the map
    // under our fit and the open popup's pan (Leaflet has no public flag for this).
    if (map._animatingZoom) map.once("zoomend", start); else start();

    // Until the reader moves the map, a new frame size frames the journey afresh
    // (reading the sources panel is not moving the map).
    ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (type) {
      map.getContainer().addEventListener(type, function (event) {
        if (!event.target.closest(".embed-panel")) touched = true;
      }, { passive: true });
    });
    map.on("resize", function () { if (!touched) fit(); });
    // Leaflet follows window resizes; this also catches any other change of the box.
    if (window.ResizeObserver) {
      new ResizeObserver(function () { map.invalidateSize({ pan: false }); })
        .observe(map.getContainer());
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.getAttribute("href").charAt(0) === "#") return;
    link.target = "_blank";
    link.relList.add("noopener");
  }, true);
})();
