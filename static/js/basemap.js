/* The atlas's offline base map (app/maps/basemap.py; data from scripts/build_basemap.py):
 * land, lakes, rivers and borders drawn on a canvas at the level of detail the zoom
 * needs (deeper levels in cells, only those in view are loaded), and labels for
 * countries, seas, mountains, rivers and cities in the page's language.
 *
 * Labels are decorative text in their own pane (aria-hidden, no pointer events). After
 * every zoom, move or layer change, once the atlas's own symbols have settled (next
 * animation frames), each label is shown only if its box meets no symbol (any
 * `.leaflet-marker-icon` of the map: stops, hazards, area numbers, wherever they were
 * placed) and no label of higher priority.
 *
 * Data files are scripts (window.atlasBasemapData / atlasBasemapLabels), not fetched:
 * a page opened from disk may load a script but not fetch a file. */
(function () {
  "use strict";
  // Linked in the map's head, before Leaflet: the layer class is made on first use.
  if (window.atlasBasemap) return;

  var scripts = {};  // url -> Promise, each file loaded once per page, for every map

  function loadScript(url) {
    if (!scripts[url]) {
      scripts[url] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = url;
        script.onload = resolve;
        script.onerror = function () { reject(new Error("could not load " + url)); };
        document.head.appendChild(script);
      });
    }
    return scripts[url];
  }

  // A line or ring written as steps between points on a grid of 1/scale degree.
  function decode(steps, scale) {
    var x = 0, y = 0, points = [];
    for (var i = 0; i < steps.length; i += 2) {
      x += steps[i];
      y += steps[i + 1];
      points.push([y / scale, x / scale]);
    }
    return points;
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function makeLayerClass() {
  return L.Layer.extend({
    options: {
      levels: [],        // [{minZoom, cell (degrees) or null}]
      region: [85, -2, 150, 56],
      files: {},         // "0", "1-3-2", ... -> script URL
      labels: null,      // the labels script of the page's language
      language: "en",
      attribution: "",
      style: {}
    },

    initialize: function (options) {
      L.setOptions(this, options);
      this._cells = {};    // key -> L.LayerGroup, drawn
      this._shown = null;  // level shown
      this._labels = null; // [kind, zoom, priority, lon, lat, text]
      var layer = this;
      // The page's "map ready" signal (static/js/atlas.js) waits for the first drawing.
      this._drawn = new Promise(function (resolve) { layer._resolveDrawn = resolve; });
      (window.atlasPendingLayers = window.atlasPendingLayers || []).push(this._drawn);
    },

    getAttribution: function () { return this.options.attribution; },

    onAdd: function (map) {
      this._map = map;
      if (!map.getPane("atlasBasemap")) {
        var drawn = map.createPane("atlasBasemap");
        drawn.style.zIndex = 150;
        drawn.setAttribute("aria-hidden", "true");
        var labels = map.createPane("atlasBasemapLabels");
        labels.style.zIndex = 450;  // above areas and legs (400), below symbols (600)
        labels.style.pointerEvents = "none";
        labels.setAttribute("aria-hidden", "true");
        labels.classList.add("leaflet-zoom-hide");
      }
      this._renderer = L.canvas({pane: "atlasBasemap", padding: 0.3});
      this._group = L.layerGroup().addTo(map);
      this._labelBox = L.DomUtil.create("div", "atlas-basemap-labels", map.getPane("atlasBasemapLabels"));
      this._labelBox.lang = this.options.language;
      map.getContainer().classList.add("atlas-basemap-on");
      map.on("zoomend moveend viewreset resize", this._update, this);
      map.on("layeradd layerremove", this._scheduleLabels, this);
      this._update();
    },

    onRemove: function (map) {
      map.off("zoomend moveend viewreset resize", this._update, this);
      map.off("layeradd layerremove", this._scheduleLabels, this);
      map.removeLayer(this._group);
      L.DomUtil.remove(this._labelBox);
      map.getContainer().classList.remove("atlas-basemap-on");
      this._shown = null;
      this._cells = {};
    },

    _levelFor: function (zoom) {
      var level = 0;
      this.options.levels.forEach(function (spec, n) { if (zoom >= spec.minZoom) level = n; });
      return level;
    },

    // The keys of the files of `level` that cover the view (with a margin).
    _keysInView: function (level) {
      var spec = this.options.levels[level], files = this.options.files;
      if (!spec.cell) return files[String(level)] ? [String(level)] : [];
      var bounds = this._map.getBounds().pad(0.25), region = this.options.region;
      var first = function (value, origin) { return Math.floor((value - origin) / spec.cell); };
      var keys = [];
      for (var c = first(bounds.getWest(), region[0]); c <= first(bounds.getEast(), region[0]); c++) {
        for (var r = first(bounds.getSouth(), region[1]); r <= first(bounds.getNorth(), region[1]); r++) {
          var key = level + "-" + c + "-" + r;
          if (files[key]) keys.push(key);
        }
      }
      return keys;
    },

    _update: function () {
      var map = this._map;
      if (!map) return;
      var layer = this, level = this._levelFor(map.getZoom());
      var keys = this._keysInView(level);
      // The first level holds the land beyond the region, shown at every zoom.
      if (keys.indexOf("0") < 0 && this.options.files["0"]) keys.unshift("0");
      var wanted = keys.map(function (key) { return loadScript(layer.options.files[key]); });
      if (this.options.labels) wanted.push(loadScript(this.options.labels));
      Promise.all(wanted).then(function () {
        if (layer._map !== map || layer._levelFor(map.getZoom()) !== level) return;
        keys.forEach(function (key) { layer._showCell(key); });
        layer._showLevel(level);
        layer._labels = (window.atlasBasemapLabels || {})[layer.options.language] || [];
        layer._placeLabels();
        map.getContainer().dataset.atlasBasemap = "drawn";
        layer._resolveDrawn();
      }, function () {
        layer._resolveDrawn();  // an unreachable file must not hold the page's ready signal
      });
      this._scheduleLabels();
    },

    _showCell: function (key) {
      if (this._cells[key]) return;
      var data = (window.atlasBasemapData || {})[key];
      if (!data) return;
      var style = this.options.style, renderer = this._renderer, scale = data.scale;
      var polygons = function (list) {
        return list.map(function (rings) {
          return rings.map(function (ring) { return decode(ring, scale); });
        });
      };
      var base = {renderer: renderer, interactive: false, pane: "atlasBasemap"};
      var cell = L.layerGroup();
      cell.level = Number(key.split("-")[0]);
      if (data.land.length) cell.addLayer(L.polygon(polygons(data.land), L.extend({}, base, style.land)));
      if (data.outside && data.outside.length) {
        this._outside = L.polygon(polygons(data.outside), L.extend({}, base, style.land));
        this._group.addLayer(this._outside);
      }
      if (data.lakes.length) cell.addLayer(L.polygon(polygons(data.lakes), L.extend({}, base, style.water)));
      // Rivers by the zoom they are drawn from.
      var byZoom = {};
      data.rivers.forEach(function (river) {
        (byZoom[river[0]] = byZoom[river[0]] || []).push(decode(river[1], scale));
      });
      cell.rivers = Object.keys(byZoom).map(function (zoom) {
        var line = L.polyline(byZoom[zoom], L.extend({}, base, style.river));
        line.minZoom = Number(zoom);
        return line;
      });
      if (data.borders.length) {
        cell.addLayer(L.polyline(data.borders.map(function (b) { return decode(b, scale); }),
          L.extend({}, base, style.border)));
      }
      this._cells[key] = cell;
    },

    // Shows the cells of `level` (rivers by zoom), hides those of other levels.
    _showLevel: function (level) {
      var group = this._group, zoom = this._map.getZoom();
      Object.keys(this._cells).forEach(function (key) {
        var cell = this._cells[key], on = cell.level === level;
        if (on && !group.hasLayer(cell)) group.addLayer(cell);
        if (!on && group.hasLayer(cell)) group.removeLayer(cell);
        (cell.rivers || []).forEach(function (river) {
          var show = on && river.minZoom <= zoom;
          if (show && !cell.hasLayer(river)) cell.addLayer(river);
          if (!show && cell.hasLayer(river)) cell.removeLayer(river);
        });
      }, this);
      this._shown = level;
    },

    // The labels for this zoom in view, placed; then the collision pass.
    _placeLabels: function () {
      var map = this._map, box = this._labelBox;
      if (!map || !this._labels) return;
      var zoom = map.getZoom(), bounds = map.getBounds().pad(0.1);
      var fragment = document.createDocumentFragment();
      box.textContent = "";
      this._labels.forEach(function (label) {
        if (label[1] > zoom || !bounds.contains([label[4], label[3]])) return;
        var span = document.createElement("span");
        span.className = "atlas-label atlas-label-" + label[0];
        span.textContent = label[5];
        var at = map.latLngToLayerPoint([label[4], label[3]]);
        span.style.left = at.x + "px";
        span.style.top = at.y + "px";
        fragment.appendChild(span);
      });
      box.appendChild(fragment);
      this._resolveCollisions();
    },

    // Run after the events that move symbols have been handled (they may spread markers
    // in their own handlers of the same events): two animation frames later.
    _scheduleLabels: function () {
      var layer = this;
      if (this._scheduled) return;
      this._scheduled = true;
      requestAnimationFrame(function () {
        requestAnimationFrame(function () {
          layer._scheduled = false;
          layer._resolveCollisions();
        });
      });
    },

    // Labels come in priority order: each is shown if its box meets no symbol of the
    // map and no label already shown.
    _resolveCollisions: function () {
      var map = this._map;
      if (!map || !this._labelBox) return;
      var container = map.getContainer();
      var view = container.getBoundingClientRect();
      var symbols = [];
      // The map's controls (zoom, layers, legend, scale, attribution) too: a name under
      // one could not be read.
      container.querySelectorAll(".leaflet-marker-icon, .leaflet-control").forEach(function (icon) {
        var rect = icon.getBoundingClientRect();
        if (rect.width && rect.height) symbols.push(rect);
      });
      // Small interactive shapes (circle symbols of large maps) count as symbols too.
      container.querySelectorAll(".leaflet-overlay-pane path.leaflet-interactive").forEach(function (path) {
        var rect = path.getBoundingClientRect();
        if (rect.width && rect.height && rect.width < 48 && rect.height < 48) symbols.push(rect);
      });
      var spans = Array.prototype.slice.call(this._labelBox.children);
      spans.forEach(function (span) { span.hidden = false; });
      var rects = spans.map(function (span) { return span.getBoundingClientRect(); });
      var shown = [], shownText = {};
      spans.forEach(function (span, n) {
        var rect = rects[n];
        // A river named again along its course: not within 350 px of its other name.
        var same = shownText[span.textContent] || [];
        var repeated = same.some(function (r) {
          return Math.abs(r.left - rect.left) < 350 && Math.abs(r.top - rect.top) < 350;
        });
        var padded = {left: rect.left - 2, right: rect.right + 2, top: rect.top - 1, bottom: rect.bottom + 1};
        var inside = rect.left >= view.left && rect.right <= view.right &&
          rect.top >= view.top && rect.bottom <= view.bottom;
        var clear = inside && !repeated &&
          !symbols.some(function (s) { return overlaps(rect, s); }) &&
          !shown.some(function (s) { return overlaps(padded, s); });
        span.hidden = !clear;
        if (clear) {
          shown.push(rect);
          (shownText[span.textContent] = same).push(rect);
        }
      });
    }
  });

  }

  var Basemap = null;
  window.atlasBasemap = function (options) {
    Basemap = Basemap || makeLayerClass();
    return new Basemap(options);
  };
})();
