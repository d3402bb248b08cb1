// Map layout, in screen pixels, for every map of the atlas (journey, home, embed,
// presentation): the content framed clear of the map's own controls, symbols that never
// hide one another, popups that fit inside the map, and a legend folded where it would
// cover too much. Generic over Leaflet markers: a symbol added later (an editor's hazard
// 4 px from another) is handled the same way. Reads only the page; sends nothing.
(function () {
  "use strict";

  var GAP = 6;            // px between a control and the content
  var SYMBOL_ROOM = 48;   // px around the framed points: a symbol set beside its place
  var LEGEND_SHARE = 1 / 6;  // the legend starts folded where it would cover more
  var CORNERS = ["topleft", "topright", "bottomleft", "bottomright"];

  // ---------------------------------------------------------------- controls

  // The rectangle each corner's controls take together, in container pixels.
  function cornerBoxes(map) {
    var boxes = {};
    controlBoxes(map).forEach(function (control) {
      var box = boxes[control.name], r = control.box;
      if (!box) {
        boxes[control.name] = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
        return;
      }
      box.left = Math.min(box.left, r.left);
      box.top = Math.min(box.top, r.top);
      box.right = Math.max(box.right, r.right);
      box.bottom = Math.max(box.bottom, r.bottom);
    });
    return boxes;
  }

  // Each control on its own, with its corner (a wide attribution and a tall legend share
  // a corner; taken together they would fence off the whole bottom of the map).
  function controlBoxes(map) {
    var frame = map.getContainer().getBoundingClientRect();
    var list = [];
    CORNERS.forEach(function (name) {
      var corner = map._controlCorners && map._controlCorners[name];
      if (!corner) return;
      Array.prototype.forEach.call(corner.children, function (el) {
        var r = el.getBoundingClientRect();
        if (!r.width || !r.height) return;
        list.push({
          name: name,
          box: {
            left: r.left - frame.left, top: r.top - frame.top,
            right: r.right - frame.left, bottom: r.bottom - frame.top,
          },
        });
      });
    });
    return list;
  }

  // How far the content must stay from each edge so no control covers it: each control
  // is cleared either sideways or up/down, whichever costs the map less.
  function insets(map) {
    var size = map.getSize();
    var out = { top: 0, right: 0, bottom: 0, left: 0 };
    controlBoxes(map).forEach(function (control) {
      var name = control.name, box = control.box;
      var left = name.indexOf("left") > 0, top = name.indexOf("top") === 0;
      var across = (left ? box.right : size.x - box.left) + GAP;
      var down = (top ? box.bottom : size.y - box.top) + GAP;
      if (across / size.x <= down / size.y) {
        if (left) out.left = Math.max(out.left, across); else out.right = Math.max(out.right, across);
      } else if (top) {
        out.top = Math.max(out.top, down);
      } else {
        out.bottom = Math.max(out.bottom, down);
      }
    });
    // In a very small frame, keep at least 40 % of each side for the content.
    [["left", "right", size.x], ["top", "bottom", size.y]].forEach(function (axis) {
      var sum = out[axis[0]] + out[axis[1]], most = axis[2] * 0.6;
      if (sum > most) {
        out[axis[0]] *= most / sum;
        out[axis[1]] *= most / sum;
      }
    });
    return out;
  }

  // The full height of the top and bottom rows of controls (for popups, which are as
  // wide as the map on a phone and so must pass between the rows).
  function rows(map) {
    var boxes = cornerBoxes(map), size = map.getSize();
    var top = 0, bottom = 0;
    ["topleft", "topright"].forEach(function (n) { if (boxes[n]) top = Math.max(top, boxes[n].bottom); });
    ["bottomleft", "bottomright"].forEach(function (n) {
      if (boxes[n]) bottom = Math.max(bottom, size.y - boxes[n].top);
    });
    return { top: top + GAP, bottom: bottom + GAP };
  }

  // ---------------------------------------------------------------- symbols

  function overlap(a, b) {
    var w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
    var h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
    return w > 0 && h > 0 ? w * h : 0;
  }

  // Leader lines live in Leaflet's shadow pane, under every symbol (a leader never
  // crosses another symbol's face), one per marker, hidden while the map zooms.
  function leaderOf(map, layer) {
    if (!layer._atlasLeader) {
      var line = L.DomUtil.create("span", "atlas-leader leaflet-zoom-hide");
      line.setAttribute("aria-hidden", "true");
      layer._atlasLeader = line;
    }
    var pane = map.getPanes().shadowPane;
    if (layer._atlasLeader.parentNode !== pane) pane.appendChild(layer._atlasLeader);
    return layer._atlasLeader;
  }

  // Numbered stops are placed first (in journey and travel order), then every other
  // symbol; each stays where the server put it if that is free, or moves to the first
  // free spot on rings around its place, with a thin leader line back to the place.
  function spread(map) {
    var items = [];
    map.getPanes().shadowPane.querySelectorAll(".atlas-leader").forEach(function (line) {
      line.hidden = true;  // shown again below for the symbols still on the map
    });
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.Marker) || !layer._icon || !layer._icon.isConnected) return;
      var icon = layer._icon;
      if (!icon._atlasHome) {
        icon._atlasHome = [parseFloat(icon.style.marginLeft) || 0, parseFloat(icon.style.marginTop) || 0];
      }
      var stop = Boolean(icon.querySelector(".atlas-stop"));
      // The words along a leg go last and stay by their leg (see labelSpots).
      var words = icon.classList.contains("atlas-leg-label-icon");
      items.push({
        layer: layer, icon: icon, rank: stop ? 0 : words ? 2 : 1, words: words, order: items.length,
      });
    });
    items.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    var placed = [];
    items.forEach(function (item) {
      var icon = item.icon, home = icon._atlasHome;
      var at = map.latLngToContainerPoint(item.layer.getLatLng());
      var iw = icon.offsetWidth, ih = icon.offsetHeight;
      // What is seen may be larger than the icon's box (a symbol scaled up by CSS, as
      // in presentations), around the same centre.
      var face = icon.firstElementChild ? icon.firstElementChild.getBoundingClientRect() : null;
      var w = Math.max(iw, face ? face.width : 0), h = Math.max(ih, face ? face.height : 0);
      var best = null;
      var spots = item.words ? labelSpots(home, w, h) : candidates(home, iw, ih, Math.max(w, h));
      spots.some(function (offset) {
        var rect = {
          x: at.x + offset[0] + (iw - w) / 2, y: at.y + offset[1] + (ih - h) / 2, w: w, h: h,
        };
        var cost = placed.reduce(function (sum, other) { return sum + overlap(rect, other); }, 0);
        if (!best || cost < best.cost) best = { rect: rect, offset: offset, cost: cost };
        return cost === 0;
      });
      icon.style.marginLeft = best.offset[0] + "px";
      icon.style.marginTop = best.offset[1] + "px";
      if (item.words) {
        // Words that would cover a symbol wherever they go near their leg wait for a
        // closer zoom: a label far from its leg would say nothing.
        icon.style.visibility = best.cost > 0 ? "hidden" : "";
        if (best.cost > 0) return;
      } else {
        drawLeader(map, item.layer, best.offset, iw, ih);
      }
      placed.push(best.rect);
    });
  }

  // Where the words along a leg may go: their own spot, then a little above or below
  // it and a little to either side (never so far that they leave their leg).
  function labelSpots(home, w, h) {
    var list = [home];
    [1, -1, 2, -2].forEach(function (k) {
      list.push([home[0], home[1] + k * (h + 2)]);
    });
    [0.5, -0.5].forEach(function (k) {
      list.push([home[0] + k * w, home[1]]);
      list.push([home[0] + k * w, home[1] + h + 2]);
      list.push([home[0] + k * w, home[1] - h - 2]);
    });
    return list;
  }

  // The server's own spot first, then rings around the place, starting in the
  // direction the server chose (up, for a symbol drawn on its place).
  function candidates(home, w, h, seen) {
    var list = [home];
    var cx = home[0] + w / 2, cy = home[1] + h / 2;
    var start = Math.hypot(cx, cy) > 2 ? Math.atan2(cy, cx) : -Math.PI / 2;
    var first = seen + 4;
    for (var ring = 0; ring < 6; ring++) {
      var radius = first + ring * (seen * 0.6);
      var steps = 12 + ring * 4;
      for (var k = 0; k < steps; k++) {
        // Alternate sides of the preferred direction: 0, +1, -1, +2, -2, ...
        var turn = Math.ceil(k / 2) * (k % 2 ? 1 : -1) * (2 * Math.PI / steps);
        var angle = start + turn;
        list.push([Math.cos(angle) * radius - w / 2, Math.sin(angle) * radius - h / 2]);
      }
    }
    return list;
  }

  // A thin line from the place to the symbol's centre, when the symbol is not on it.
  function drawLeader(map, layer, offset, w, h) {
    var dx = offset[0] + w / 2, dy = offset[1] + h / 2;  // place -> centre
    if (Math.abs(dx) <= w / 2 && Math.abs(dy) <= h / 2) return;
    var line = leaderOf(map, layer);
    line.hidden = false;
    L.DomUtil.setPosition(line, map.latLngToLayerPoint(layer.getLatLng()));
    line.style.width = Math.hypot(dx, dy) + "px";
    var rotate = "rotate(" + Math.atan2(dy, dx) + "rad)";
    line.style.transform = (L.Browser.any3d ? line.style.transform + " " : "") + rotate;
  }

  // Journeys that share a stretch (the home map) would draw their lines on one another:
  // each journey's lines are drawn a few pixels aside, in turn, as parallel lines.
  var ROUTE_GAP = 3.5;
  function offsetRoutes(entry) {
    var slugs = Object.keys(entry.journeys || {});
    if (slugs.length < 2) return;
    slugs.forEach(function (slug, i) {
      var shift = ((i - (slugs.length - 1) / 2) * ROUTE_GAP / Math.SQRT2).toFixed(2);
      entry.journeys[slug].eachLayer(function (layer) {
        // (A line's arrow follows its path, transform included.)
        if (layer._path) layer._path.setAttribute("transform", "translate(" + shift + " " + shift + ")");
      });
    });
  }

  // ---------------------------------------------------------------- framing

  // The box of the symbols of the places inside `bounds` (the content being framed).
  function iconExtent(map, bounds) {
    var frame = map.getContainer().getBoundingClientRect(), box = null;
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.Marker) || !layer._icon) return;
      if (!bounds.contains(layer.getLatLng())) return;
      // The words along a leg give way (hidden) rather than widen the frame.
      if (layer._icon.classList.contains("atlas-leg-label-icon")) return;
      var r = layer._icon.getBoundingClientRect();
      if (!r.width) return;
      box = box || { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
      box.left = Math.min(box.left, r.left - frame.left);
      box.top = Math.min(box.top, r.top - frame.top);
      box.right = Math.max(box.right, r.right - frame.left);
      box.bottom = Math.max(box.bottom, r.bottom - frame.top);
    });
    return box;
  }

  // Fitting padding: clear of the controls, with room for symbols set beside a place.
  function padding(map) {
    var size = map.getSize(), inset = insets(map);
    var room = Math.min(SYMBOL_ROOM, size.x / 8, size.y / 8);
    return {
      paddingTopLeft: L.point(inset.left + room, inset.top + room),
      paddingBottomRight: L.point(inset.right + room, inset.bottom + room),
    };
  }

  // Frame `bounds` inside the part of the map no control covers, with room for the
  // symbols set beside their places; then, if a spread symbol still falls under a
  // control or off the map, zoom out a step at a time until all are clear.
  function fit(map, bounds, maxZoom) {
    if (!bounds || !bounds.isValid()) return;
    var size = map.getSize();
    if (!size.x || !size.y) return;
    var inset = insets(map);
    map.fitBounds(bounds, L.extend(padding(map), { maxZoom: maxZoom || 7, animate: false }));
    for (var tries = 0; tries < 3; tries++) {
      spread(map);
      var box = iconExtent(map, bounds);
      if (!box) return;
      var fits = box.left >= inset.left && box.top >= inset.top &&
        box.right <= size.x - inset.right && box.bottom <= size.y - inset.bottom;
      if (fits) return;
      // Centre the symbols in the clear area, zoomed out if they do not fit in it.
      var wide = box.right - box.left > size.x - inset.left - inset.right;
      var tall = box.bottom - box.top > size.y - inset.top - inset.bottom;
      var zoom = map.getZoom() - (wide || tall ? 1 : 0);
      if (zoom < map.getMinZoom()) return;
      var middle = L.point((box.left + box.right) / 2, (box.top + box.bottom) / 2);
      var clear = L.point(
        (inset.left + size.x - inset.right) / 2, (inset.top + size.y - inset.bottom) / 2
      );
      var centre = map.containerPointToLatLng(map.getSize().divideBy(2).add(middle.subtract(clear)));
      map.setView(centre, zoom, { animate: false });
    }
    spread(map);
  }

  // ---------------------------------------------------------------- legend

  // Fold a legend that would cover more than a sixth of the map; an open legend never
  // grows taller than the room between the rows of controls.
  function fitLegend(map) {
    var size = map.getSize();
    map.getContainer().querySelectorAll(".atlas-legend").forEach(function (legend) {
      var details = legend.querySelector("details");
      var boxes = cornerBoxes(map);
      var above = boxes.topright ? boxes.topright.bottom : 0;
      var below = 0;
      var attribution = map.getContainer().querySelector(".leaflet-bottom.leaflet-right .leaflet-control-attribution");
      if (attribution) below = attribution.offsetHeight;
      legend.style.maxHeight = Math.max(60, size.y - above - below - 3 * GAP - 10) + "px";
      if (!details || !details.open) return;
      var r = legend.getBoundingClientRect();
      if (r.width * r.height > size.x * size.y * LEGEND_SHARE) details.open = false;
    });
  }

  // ---------------------------------------------------------------- popups

  // Controls lie above popups (Leaflet's panes): an open legend taller than a quarter of
  // the map would leave a popup too little room, so opening one folds it.
  function foldTallLegend(map) {
    var height = map.getSize().y;
    map.getContainer().querySelectorAll(".atlas-legend details[open]").forEach(function (d) {
      if (d.parentNode.offsetHeight > height / 4) d.open = false;
    });
  }

  // A popup is never wider or taller than its map allows, and opens between the top and
  // bottom rows of controls (Leaflet's autoPan), so the close button is always inside.
  var layoutPopup = L.Popup.prototype._updateLayout;
  L.Popup.prototype._updateLayout = function () {
    var map = this._map;
    if (map) {
      foldTallLegend(map);
      var size = map.getSize(), row = rows(map);
      if (this._atlasMaxWidth === undefined) {
        var asked = Number(this.options.maxWidth);
        this._atlasMaxWidth = isFinite(asked) && asked > 0 ? asked : 340;
      }
      // The content's side margins and border (44 + 2 px) and a little room each side.
      this.options.maxWidth = Math.max(120, Math.min(this._atlasMaxWidth, size.x - 46 - 2 * GAP));
      // The popup's own margins, its tip and its bottom margin (about 70 px).
      this.options.maxHeight = Math.max(80, size.y - row.top - row.bottom - 70);
      this.options.autoPanPaddingTopLeft = L.point(GAP, row.top);
      this.options.autoPanPaddingBottomRight = L.point(GAP, row.bottom);
    }
    layoutPopup.call(this);
  };

  // ---------------------------------------------------------------- wiring

  function whenIdle(map, callback) {
    var pending = false;
    return function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; callback(map); });
    };
  }

  // The first layout of a map: legend, frame, symbols; symbols again after every zoom
  // and whenever a layer is shown or added.
  function start(entry) {
    var map = entry.map;
    fitLegend(map);
    if (entry.fit) {
      var b = entry.fit.bounds;
      fit(map, L.latLngBounds(b[0], b[1]), entry.fit.maxZoom);
    } else {
      spread(map);
    }
    offsetRoutes(entry);
    function relayout() { spread(map); offsetRoutes(entry); }
    // At once after a zoom or a layer shown from the control; a marker added on its
    // own (any number at a time) on the next frame.
    map.on("zoomend viewreset overlayadd overlayremove", relayout);
    map.on("layeradd layerremove", whenIdle(map, relayout));
    map.on("resize", function () { fitLegend(map); });
  }

  window.atlasLayout = {
    insets: insets,
    padding: padding,
    rows: rows,
    spread: spread,
    fit: fit,
    fitLegend: fitLegend,
    start: start,
  };
})();
