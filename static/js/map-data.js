// Data mode for large maps (app/maps/data_layer.py): the map script calls
// window.atlasDataLayer, which fetches the map's features as one JSON document and draws
// them on a canvas into the map's (empty) Folium groups, so the layers control works as
// usual. Hazards come grouped by place, one circle per place. Popups are fetched from
// the server when opened: the server renders and escapes them (app/maps/popup.html,
// app/escaping.py); every text taken from the JSON is set with textContent.
(function () {
  "use strict";

  var fragments = {};  // popup URL -> the server's HTML fragment, fetched once

  function textElement(tag, text) {
    var element = document.createElement(tag);
    element.textContent = text;
    return element;
  }

  function tooltip(layer, text) {
    layer.bindTooltip(function () { return textElement("span", text); }, { sticky: true });
  }

  function remotePopup(layer, config, kind, id) {
    var url = config.popup + encodeURIComponent(kind) + "/" + encodeURIComponent(id) + config.query;
    layer.bindPopup(function () {
      return fragments[url] || textElement("p", config.loading);
    }, { maxWidth: 340 });
    layer.on("popupopen", function (event) {
      if (fragments[url]) return;
      var popup = event.popup;
      fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) {
          fragments[url] = html;  // already escaped by the server: a fragment we made
          popup.setContent(html);
        })
        .catch(function () { popup.setContent(textElement("p", config.failed)); });
    });
  }

  function entryOf(map) {
    var maps = window.atlasMaps || [];
    for (var i = 0; i < maps.length; i++) if (maps[i].map === map) return maps[i];
    return null;
  }

  function drawAreas(spec, data, renderer, features) {
    var config = spec.config;
    data.areas.forEach(function (area) {
      var layer;
      if (area.circle) {
        layer = L.circle([area.circle[0], area.circle[1]], {
          radius: area.circle[2], renderer: renderer, color: config.areaStyle.color,
          weight: 1.5, dashArray: "5 5", fillColor: config.areaStyle.fillColor, fillOpacity: 0.25
        });
      } else {
        layer = L.geoJSON(area.geometry, {
          renderer: renderer,
          style: function () { return area.band ? config.bandStyle : config.areaStyle; }
        });
      }
      tooltip(layer, area.tooltip);
      remotePopup(layer, config, "place", area.id);
      layer.addTo(spec.areas);
      features["place-" + area.id] = layer;
    });
  }

  function drawRoutes(spec, data, renderer, features) {
    var config = spec.config;
    data.routes.forEach(function (route, n) {
      var group = spec.routes[n], prefix = config.prefixes[n];
      route.legs.forEach(function (leg) {
        // app/maps/leg_paths.py: a schematic line, an over-land path (with a soft
        // corridor) or a thin relocation connector, with its words at the middle.
        var dashes = { line: "10 8", overland: "1 8", relocated: "2 6" };
        var weights = { line: 4, overland: 4, relocated: 2 };
        if (leg.style === "overland") {
          L.polyline(leg.path, {
            renderer: renderer, color: route.color, weight: 16, opacity: 0.16, interactive: false
          }).addTo(group);
        }
        var dashed = leg.style !== "line" || leg.approximate;
        var line = L.polyline(leg.path, {
          renderer: renderer, color: route.color, weight: route.blocked ? 3 : weights[leg.style],
          opacity: 0.9, lineCap: "round",
          dashArray: dashed ? (route.blocked ? "2 8" : dashes[leg.style]) : null
        });
        tooltip(line, leg.tooltip);
        remotePopup(line, config, "leg", route.slug + ":" + leg.order);
        line.addTo(group);
        if (leg.label) {
          var words = textElement("span", leg.label);
          words.className = "atlas-leg-label atlas-leg-label-" + leg.style;
          L.marker(leg.labelAt, {
            interactive: false, keyboard: false,
            icon: L.divIcon({
              html: words, className: "atlas-divicon atlas-leg-label-icon",
              iconSize: [150, 36], iconAnchor: [75, -4]
            })
          }).addTo(group);
        }
        features[prefix + "leg-" + leg.order] = line;
      });
      route.stops.forEach(function (stop) {
        // stop[3]: 0 a point, 1 an approximate place, 2 a place known only to an area
        // (its label, drawn as a larger, open dashed ring rather than a pin).
        var area = stop[3] === 2;
        var marker = L.circleMarker([stop[0], stop[1]], {
          renderer: renderer, radius: area ? 9 : 6, color: route.color, weight: 2,
          dashArray: stop[3] ? "3 3" : null, fillColor: "#ffffff", fillOpacity: area ? 0.4 : 1,
          className: area ? "atlas-stop-area-label" : ""
        });
        tooltip(marker, stop[4]);
        remotePopup(marker, config, "stop", route.slug + ":" + stop[2]);
        marker.addTo(group);
        features[prefix + "stop-" + stop[2]] = marker;
      });
    });
  }

  function drawHazards(spec, data, renderer, features) {
    data.hazards.forEach(function (group) {
      var marker = L.circleMarker(group.at, {
        renderer: renderer, radius: group.radius, color: "#ffffff", weight: 2,
        fillColor: group.color, fillOpacity: 0.85
      });
      tooltip(marker, group.tooltip);
      remotePopup(marker, spec.config, "hazards", group.place);
      marker.addTo(spec.hazards);
      group.hazards.forEach(function (slug) { features["hazard-" + slug] = marker; });
    });
  }

  window.atlasDataLayer = function (spec) {
    // One canvas for all of this map's features (thousands of SVG paths would not do);
    // a few pixels of tolerance keep thin legs easy to click.
    var renderer = L.canvas({ padding: 0.5, tolerance: 4 });
    return fetch(spec.config.url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        var features = {};
        drawAreas(spec, data, renderer, features);
        drawRoutes(spec, data, renderer, features);
        drawHazards(spec, data, renderer, features);
        // Published beside the map's other features (static/js/atlas.js: "Show on map",
        // #hazard-… links). The entry is pushed later in the same map script.
        var entry = entryOf(spec.map);
        if (entry) Object.keys(features).forEach(function (key) {
          entry.features[key] = features[key];
        });
        spec.map.getContainer().dataset.atlasDataMode = "drawn";
        // A link to a feature (#hazard-…, #leg-3) arrived before the features did
        // (static/js/atlas.js looks at load): open it now.
        var wanted = features[decodeURIComponent(location.hash.slice(1))];
        if (wanted && spec.map.hasLayer(wanted)) {
          wanted.openPopup(wanted.getLatLng ? wanted.getLatLng() : wanted.getBounds().getCenter());
        }
      });
  };
})();
