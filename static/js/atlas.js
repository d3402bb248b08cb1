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

  // Keyboard: every stop, hazard symbol, leg and area is a named button (its name is
  // the tooltip the server wrote, in the page's language). Tab walks them in itinerary
  // order (stop 1, leg 1, stop 2, ... then hazards, then areas); Enter or Space opens
  // the popup and moves focus into it; Esc closes it and focus returns to the feature.
  // Everything else drawn in the map's SVG (the country outlines, the visible leg
  // lines under their hit lines, the arrows) is decoration, hidden from screen readers.
  var parser = new DOMParser();  // parses text into an inert document: nothing runs
  function tooltipText(layer) {
    var tooltip = layer.getTooltip && layer.getTooltip();
    var content = tooltip && tooltip.getContent();
    if (typeof content !== "string") return "";
    return parser.parseFromString(content, "text/html").body.textContent
      .replace(/\s+/g, " ").trim();
  }

  // The elements that stand for a layer: a marker's icon, a path, or a group's paths.
  function elementsOf(layer) {
    if (layer._icon) return [layer._icon];
    if (layer._path) return [layer._path];
    var found = [];
    if (layer.eachLayer) {
      layer.eachLayer(function (child) { found = found.concat(elementsOf(child)); });
    }
    return found;
  }

  function rankOf(key, journeys) {
    var walk = /^(.*?)(stop|leg)-(\d+)$/.exec(key);
    if (walk) {
      if (journeys.indexOf(walk[1]) < 0) journeys.push(walk[1]);
      return [0, journeys.indexOf(walk[1]), Number(walk[3]) * 2 + (walk[2] === "leg" ? 1 : 0)];
    }
    return [/^hazard-/.test(key) ? 1 : 2, 0, 0];
  }

  function focusables(entry) {
    var journeys = [], list = [];
    Object.keys(entry.features).forEach(function (key, i) {
      var layer = entry.features[key];
      if (!layer.getPopup || !layer.getPopup()) return;
      list.push({ key: key, layer: layer, rank: rankOf(key, journeys).concat([i]) });
    });
    list.sort(function (a, b) {
      for (var k = 0; k < a.rank.length; k++) {
        if (a.rank[k] !== b.rank[k]) return a.rank[k] - b.rank[k];
      }
      return 0;
    });
    return list.filter(function (item) {
      return entry.map.hasLayer(item.layer) && elementsOf(item.layer).length;
    });
  }

  function openFromKeyboard(entry, layer, element) {
    var target = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
    entry.opener = element;
    layer.openPopup(target);
    var popup = layer.getPopup();
    var box = popup && popup.getElement();
    if (!box) return;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", element.getAttribute("aria-label"));
    box.setAttribute("tabindex", "-1");
    box.focus({ preventScroll: true });
  }

  function makeOperable(entry) {
    var map = entry.map;
    var pending = false;

    function decorate() {
      pending = false;
      var order = [];
      focusables(entry).forEach(function (item) {
        var name = tooltipText(item.layer) || item.key;
        elementsOf(item.layer).forEach(function (el) {
          order.push(el);
          if (el._atlasOperable) return;
          el._atlasOperable = item;
          el.setAttribute("role", "button");
          el.setAttribute("aria-label", name);
          el.classList.add("atlas-focusable");
        });
      });
      // One tab stop into the map, the first of the itinerary; Tab goes on from there.
      order.forEach(function (el, i) { el.setAttribute("tabindex", i === 0 ? "0" : "-1"); });
      var pane = map.getPanes().overlayPane;
      pane.querySelectorAll("path, text").forEach(function (el) {
        if (order.indexOf(el) < 0) el.setAttribute("aria-hidden", "true");
      });
      return order;
    }
    function later() {
      if (!pending) { pending = true; requestAnimationFrame(decorate); }
    }
    decorate();
    map.on("layeradd overlayadd", later);

    var container = map.getContainer();
    container.addEventListener("keydown", function (event) {
      var el = event.target.closest && event.target.closest(".atlas-focusable");
      if (el && el._atlasOperable && container.contains(el)) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          event.stopPropagation();
          openFromKeyboard(entry, el._atlasOperable.layer, el);
        } else if (event.key === "Tab") {
          stepFocus(el, event);
        }
        return;
      }
      if (event.key === "Escape" && event.target.closest && event.target.closest(".leaflet-popup")) {
        event.preventDefault();
        event.stopPropagation();
        map.closePopup();
      }
    });

    // Tab moves through the features in itinerary order; past either end it leaves the
    // map in the page's own order (every feature steps out of the way for that one move).
    function stepFocus(el, event) {
      var order = decorate();
      var next = order.indexOf(el) + (event.shiftKey ? -1 : 1);
      if (next >= 0 && next < order.length) {
        event.preventDefault();
        order[next].focus();
        return;
      }
      order.forEach(function (other) { other.setAttribute("tabindex", "-1"); });
      setTimeout(decorate, 0);
    }

    // However the popup closes (Esc, its close button, another click), focus that was
    // in it goes back to the feature that opened it.
    map.on("popupclose", function (event) {
      var opener = entry.opener;
      var box = event.popup.getElement();
      var active = document.activeElement;
      if (!opener || !opener.isConnected) return;
      if (active === document.body || active === null || (box && box.contains(active))) {
        opener.focus({ preventScroll: true });
      }
      entry.opener = null;
    });
  }

  // A map of several journeys (the home map): pointing at or focusing a journey, on the
  // map, in its key (the legend) or in the page's list of journeys, picks it out (its
  // lines wider, in front) and dims the others; a key button keeps it picked out.
  function journeyParts(group) {
    var parts = [];
    group.eachLayer(function (layer) {
      if (layer._icon) parts.push(layer._icon);
      if (layer._path) parts.push(layer._path);
      if (layer._textNode) parts.push(layer._textNode);
    });
    return parts;
  }

  function makeHighlightable(entry) {
    var journeys = entry.journeys || {};
    var slugs = Object.keys(journeys);
    if (slugs.length < 2) return;
    var pinned = null;
    var container = entry.map.getContainer();

    function pick(slug) {
      slug = slug || pinned;
      slugs.forEach(function (key) {
        journeyParts(journeys[key]).forEach(function (el) {
          el.classList.toggle("atlas-picked", key === slug);
          el.classList.toggle("atlas-dimmed", Boolean(slug) && key !== slug);
        });
      });
      container.classList.toggle("atlas-picking", Boolean(slug));
      document.querySelectorAll("[data-journey]").forEach(function (el) {
        el.classList.toggle("atlas-picked", el.getAttribute("data-journey") === slug);
        if (el.hasAttribute("aria-pressed")) {
          el.setAttribute("aria-pressed", String(el.getAttribute("data-journey") === pinned));
        }
      });
    }
    entry.pickJourney = pick;

    function journeyOf(layer) {
      for (var i = 0; i < slugs.length; i++) {
        if (journeys[slugs[i]].hasLayer(layer)) return slugs[i];
      }
      return null;
    }
    slugs.forEach(function (slug) {
      journeys[slug].on("mouseover", function () { pick(slug); });
      journeys[slug].on("mouseout", function () { pick(null); });
    });
    // The key, the list of journeys, and the map's own features under keyboard focus.
    function slugAt(target) {
      var marked = target.closest && target.closest("[data-journey]");
      if (marked) return marked.getAttribute("data-journey");
      var feature = target.closest && target.closest(".atlas-focusable");
      return feature && feature._atlasOperable ? journeyOf(feature._atlasOperable.layer) : null;
    }
    ["mouseover", "focusin"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        var slug = slugAt(event.target);
        if (slug && journeys[slug]) pick(slug);
      });
    });
    ["mouseout", "focusout"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        if (slugAt(event.target)) pick(null);
      });
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button[data-journey]");
      if (!button) return;
      var slug = button.getAttribute("data-journey");
      pinned = pinned === slug ? null : slug;
      pick(null);
    });
  }

  // Leaflet names its own controls in English; use the words the server sent with the
  // map, in the page's language (screen readers read these names).
  function name(el, text, asTitle) {
    if (!el || !text) return;
    el.setAttribute("aria-label", text);
    if (asTitle) el.setAttribute("title", text);
  }

  function nameControls(entry) {
    var words = entry.controls || {};
    var container = entry.map.getContainer();
    name(container.querySelector(".leaflet-control-zoom-in"), words.zoomIn, true);
    name(container.querySelector(".leaflet-control-zoom-out"), words.zoomOut, true);
    name(container.querySelector(".leaflet-control-layers-toggle"), words.layers, true);
    // Leaflet's own link keeps its visible name ("Leaflet") as its accessible name, as
    // WCAG 2.5.3 asks; what Leaflet is goes in its title, in the page's language.
    var leaflet = container.querySelector(".leaflet-control-attribution a[title]");
    if (leaflet && words.leaflet) leaflet.setAttribute("title", words.leaflet);
    entry.map.on("popupopen", function (event) {
      var popup = event.popup.getElement();
      name(popup && popup.querySelector(".leaflet-popup-close-button"), words.closePopup, false);
    });
  }

  // Map ready (for the benchmarks and tests): <html data-atlas-map="ready"> once the
  // country outlines are drawn on every map of the page (app/maps/elements.py
  // BoundaryLayer loads them as a script, then calls back each map waiting in
  // window.atlasNaturalEarthWaiting) and every Promise a map script pushed onto
  // window.atlasPendingLayers has settled (pushed ones are re-checked: a layer may
  // add another). A page with no map never sets it.
  function outlinesDrawn(callback) {
    var waiting = window.atlasNaturalEarthWaiting;
    if (waiting && waiting.length) waiting.push(callback);  // called after the others
    else callback();
  }

  function layersSettled(callback) {
    var pending = window.atlasPendingLayers || [];
    var seen = pending.length;
    Promise.allSettled(pending.slice()).then(function () {
      if ((window.atlasPendingLayers || []).length > seen) layersSettled(callback);
      else callback();
    });
  }

  function signalReady() {
    if (!(window.atlasMaps && window.atlasMaps.length)) return;
    outlinesDrawn(function () {
      layersSettled(function () {
        document.documentElement.dataset.atlasMap = "ready";
        // When, from navigation start: the benchmarks read this mark (bench/browser.py).
        if (window.performance && performance.mark) performance.mark("atlas-map-ready");
      });
    });
  }

  window.addEventListener("load", function () {
    signalReady();
    decodeTitles();
    (window.atlasMaps || []).forEach(function (entry) {
      nameControls(entry);
      makeOperable(entry);
      makeHighlightable(entry);
    });
    if (location.hash.length > 1) show(decodeURIComponent(location.hash.slice(1)), false);
  });
})();
