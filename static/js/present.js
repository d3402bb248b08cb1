// Presentation mode: shows one of the slides the server rendered at a time, and moves
// the journey's map (window.atlasMaps[0]) to what that slide is about. The slide number
// lives in the URL hash (#3), so a reload or a shared link opens the same slide.
// Reads only our own data (the deck, as JSON in the page); sends nothing.
(function () {
  "use strict";

  var deck = JSON.parse(document.getElementById("deck-data").textContent);
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var progress = document.querySelector(".deck-progress");
  var prevButton = document.querySelector(".deck-prev");
  var nextButton = document.querySelector(".deck-next");
  var fullButton = document.querySelector(".deck-fullscreen");
  var exitLink = document.querySelector(".deck-exit");
  var status = document.getElementById("deck-status");
  var statusTemplate = document.querySelector(".deck-nav").getAttribute("data-msg-status") || "Slide {n} of {count}.";
  // Shown under a quote area cut off at the bottom (CSS content: attr(data-more-below)).
  var moreBelow = document.querySelector(".deck-nav").getAttribute("data-msg-more-below") || "";
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  var count = slides.length;

  // What tests and curious readers can ask: the slide shown, and the last slide whose
  // map move has finished.
  var state = (window.atlasPresent = { current: 0, count: count, settled: 0 });

  // ------------------------------------------------------------------ the map

  var entry = (window.atlasMaps || [])[0];
  var map = entry ? entry.map : null;
  var features = entry ? entry.features : {};
  // Slides drive the map; its own arrow-key panning would move it under a slide change.
  // (That handler also closed a popup on Esc: the deck's Esc does it instead.)
  if (map && map.keyboard) map.keyboard.disable();
  var popupOpen = false;
  if (map) {
    map.on("popupopen", function () { popupOpen = true; });
    map.on("popupclose", function () { popupOpen = false; });
  }

  // build_map names a leg "leg-N" on a map of one journey and "<slug>-leg-N" on a map
  // of several (here: the journey and, beside it, the direct route).
  function legLayer(id) {
    return features[id] || features[deck.journey.slug + "-" + id] || null;
  }
  var directPrefix = deck.direct_route ? deck.direct_route.slug + "-leg-" : null;
  var directLegs = Object.keys(features)
    .filter(function (key) { return directPrefix && key.indexOf(directPrefix) === 0; })
    .map(function (key) { return features[key]; });
  // The direct route is drawn for the overview slide only. Its own numbered stops would
  // sit on the journey's (both start in North Korea) under the same numbers: drop them.
  var directGroup = null;
  if (map && directLegs.length) {
    map.eachLayer(function (layer) {
      if (!directGroup && layer instanceof L.FeatureGroup && layer.hasLayer(directLegs[0])) {
        directGroup = layer;
      }
    });
  }
  if (directGroup) {
    directGroup.eachLayer(function (layer) {
      if (layer instanceof L.Marker) directGroup.removeLayer(layer);
    });
  }
  function showDirect(on) {
    if (!directGroup) return;
    if (on && !map.hasLayer(directGroup)) map.addLayer(directGroup);
    if (!on && map.hasLayer(directGroup)) map.removeLayer(directGroup);
  }

  // Each hazard symbol belongs to the layer of its kind; a slide hides a symbol by taking
  // it out of that layer (so the layer control still switches whole kinds).
  var hazards = {};
  Object.keys(features).forEach(function (key) {
    if (key.indexOf("hazard-") !== 0) return;
    var marker = features[key];
    var group = null;
    if (map) {
      map.eachLayer(function (layer) {
        if (!group && layer instanceof L.FeatureGroup && layer.hasLayer(marker)) group = layer;
      });
    }
    hazards[key.slice("hazard-".length)] = { marker: marker, group: group || map };
  });

  function showHazards(slugs) {
    var added = false;
    Object.keys(hazards).forEach(function (slug) {
      var h = hazards[slug];
      var wanted = slugs.indexOf(slug) !== -1;
      if (wanted && !h.group.hasLayer(h.marker)) {
        h.group.addLayer(h.marker);
        added = true;
      } else if (!wanted && h.group.hasLayer(h.marker)) {
        h.group.removeLayer(h.marker);
      }
    });
    return added;
  }

  function paths(layer) {
    if (layer instanceof L.Path) return [layer];
    var found = [];
    if (layer.eachLayer) layer.eachLayer(function (child) { found = found.concat(paths(child)); });
    return found;
  }

  // Emphasis is a style laid over the layer's own, which is kept to restore.
  var emphasised = [];
  function emphasise(layer, styleOf) {
    paths(layer).forEach(function (path) {
      if (!path._presentBase) {
        var o = path.options;
        path._presentBase = { weight: o.weight, opacity: o.opacity, fillOpacity: o.fillOpacity };
      }
      path.setStyle(styleOf(path));
      emphasised.push(path);
    });
  }
  function clearEmphasis() {
    emphasised.forEach(function (path) { path.setStyle(path._presentBase); });
    emphasised = [];
  }
  // The leg's wide, transparent click line (build_map draws it over the visible one)
  // becomes a halo around it.
  function halo() { return { opacity: 0.3 }; }
  // The direct route is short beside a journey across Asia: it needs a bolder halo to be seen.
  function strongHalo() { return { opacity: 0.65 }; }
  // An area gets a firmer outline and fill; a river or border band (a wide line) darkens.
  function area(path) {
    if (path instanceof L.Polygon || path instanceof L.Circle) {
      return { weight: 3, opacity: 1, fillOpacity: 0.4 };
    }
    return { opacity: 0.6 };
  }

  function focusBounds(focus) {
    var bounds = L.latLngBounds([]);
    focus.points.forEach(function (point) { bounds.extend(point); });
    focus.areas.forEach(function (slug) {
      var layer = features["place-" + slug];
      if (layer && layer._map && layer.getBounds) bounds.extend(layer.getBounds());
    });
    if (focus.direct) directLegs.forEach(function (line) { bounds.extend(line.getBounds()); });
    return bounds;
  }

  var pending = 0;
  var respread = false;
  // atlas.js moves hazard symbols off numbered stops when layers are added through the
  // layer control ("overlayadd"); symbols a slide brought back need the same.
  function settle(number) {
    state.settled = number;
    if (respread) map.fire("overlayadd", {});
    respread = false;
  }
  // The classroom setting (on unless ?classroom=0) stays on through every link, the map's
  // popups too (they are built once for all readers, so the flag is added as each opens).
  var classroom = document.body.classList.contains("classroom");
  // So does a ?lang= the deck was opened with (the popups are built per language, not per URL).
  var lang = new URLSearchParams(location.search).get("lang");
  if (lang !== "en" && lang !== "ko") lang = null;
  if (map && (classroom || lang)) {
    map.on("popupopen", function (event) {
      var links = event.popup.getElement().querySelectorAll("a[href]");
      Array.prototype.forEach.call(links, function (a) {
        var url = new URL(a.getAttribute("href"), location.href);
        if (url.origin !== location.origin) return;
        if (classroom) url.searchParams.set("classroom", "1");
        if (lang) url.searchParams.set("lang", lang);
        a.setAttribute("href", url.pathname + url.search + url.hash);
      });
    });
  }

  if (map) {
    map.on("moveend", function () {
      if (pending) {
        var number = pending;
        pending = 0;
        settle(number);
      }
    });
  }

  function moveMap(slide, instant) {
    if (!map) {
      state.settled = slide.number;
      return;
    }
    var focus = slide.focus;
    map.closePopup();
    clearEmphasis();
    respread = showHazards(focus.hazards);
    showDirect(focus.direct);
    focus.legs.forEach(function (id) {
      var line = legLayer(id);
      if (line) emphasise(line, halo);
    });
    if (focus.direct) directLegs.forEach(function (line) { emphasise(line, strongHalo); });
    focus.areas.forEach(function (slug) {
      var layer = features["place-" + slug];
      if (layer) emphasise(layer, area);
    });
    var bounds = focusBounds(focus);
    if (!bounds.isValid()) {
      settle(slide.number);
      return;
    }
    // Room for the hazard symbols set on a ring around their place.
    // Clear of the map's controls (static/js/map-layout.js).
    var inset = window.atlasLayout ? window.atlasLayout.insets(map)
      : { top: 0, right: 0, bottom: 0, left: 0 };
    var options = {
      paddingTopLeft: [inset.left + 60, inset.top + 60],
      paddingBottomRight: [inset.right + 60, inset.bottom + 60],
      maxZoom: 7,
    };
    if (instant || reducedMotion.matches) {
      pending = 0;
      map.fitBounds(bounds, L.extend({ animate: false }, options));
      settle(slide.number);
    } else {
      pending = slide.number;
      map.flyToBounds(bounds, L.extend({ duration: 1 }, options));
    }
  }

  // ------------------------------------------------------------------ the text

  // Long quotes: smaller type in steps (never under the CSS floor), then, at the last
  // step, the quote area alone scrolls.
  var FIT_STEPS = 4;
  function fitText(slide) {
    var body = slide.querySelector(".slide-body");
    if (!body) return;
    var step = 0;
    for (; step < FIT_STEPS; step++) {
      slide.setAttribute("data-fit", String(step));
      if (body.scrollHeight <= body.clientHeight + 1) break;
    }
    slide.classList.toggle("overflowing", step === FIT_STEPS);
    slide.setAttribute("data-more-below", moreBelow);
    if (step === FIT_STEPS) slide.setAttribute("data-fit", String(FIT_STEPS - 1));
  }

  function headingOf(slide) {
    var kicker = slide.querySelector(".kicker");
    var heading = slide.querySelector("h1, h2");
    var parts = [kicker ? kicker.textContent.trim() : "", heading ? heading.textContent.trim() : ""];
    return parts.filter(Boolean).join(": ");
  }

  // ------------------------------------------------------------------ navigation

  function clamp(n) {
    return Math.min(Math.max(n, 1), count);
  }

  function fromHash() {
    var match = /^#(\d+)$/.exec(location.hash);
    return clamp(match ? parseInt(match[1], 10) : 1);
  }

  function show(n, instant) {
    n = clamp(n);
    // The hash follows without adding a history entry per slide (Back leaves the deck).
    if (location.hash !== "#" + n) history.replaceState(history.state, "", "#" + n);
    if (n === state.current) return;
    var slide = slides[n - 1];
    slides.forEach(function (s) { s.hidden = s !== slide; });
    state.current = n;
    progress.textContent = n + " / " + count;
    prevButton.disabled = n === 1;
    nextButton.disabled = n === count;
    fitText(slide);
    var body = slide.querySelector(".slide-body");
    if (body) body.scrollTop = 0;
    // The words come from the page, in its language (data-msg-status: "Slide {n} of {count}.").
    status.textContent = statusTemplate.replace("{n}", n).replace("{count}", count) + " " + headingOf(slide);
    moveMap(deck.slides[n - 1], instant);
  }

  function go(step) {
    show(state.current + step, false);
  }

  var canFullscreen = Boolean(document.fullscreenEnabled && document.documentElement.requestFullscreen);
  fullButton.hidden = !canFullscreen;
  function toggleFullscreen() {
    if (!canFullscreen) return;
    var request = document.fullscreenElement
      ? document.exitFullscreen()
      : document.documentElement.requestFullscreen();
    // Refused (no user gesture, or a policy forbids it): the deck simply stays as it is.
    if (request && request.catch) request.catch(function () {});
  }

  function scrollQuotes(direction) {
    var body = slides[state.current - 1].querySelector(".slide-body");
    if (!body || body.scrollHeight <= body.clientHeight) return false;
    body.scrollBy({
      top: direction * body.clientHeight * 0.8,
      behavior: reducedMotion.matches ? "auto" : "smooth",
    });
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
    // Space and Enter on a content note's summary open it (classroom setting).
    if (target.closest && target.closest("summary") && (event.key === " " || event.key === "Enter")) {
      return;
    }
    switch (event.key) {
      case "ArrowRight":
      case "PageDown":
        go(1);
        break;
      case "ArrowLeft":
      case "PageUp":
        go(-1);
        break;
      case " ":
        go(event.shiftKey ? -1 : 1);
        break;
      case "Home":
        show(1, false);
        break;
      case "End":
        show(count, false);
        break;
      case "ArrowDown":
      case "ArrowUp":
        if (!scrollQuotes(event.key === "ArrowDown" ? 1 : -1)) return;
        break;
      case "f":
      case "F":
        toggleFullscreen();
        break;
      case "Escape":
        // An open popup closes first; in full screen the browser takes Esc to leave
        // full screen; only then does Esc leave the deck.
        if (popupOpen) {
          map.closePopup();
          break;
        }
        if (document.fullscreenElement) return;
        location.assign(exitLink.href);
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // A content note opened or closed (classroom setting): the slide's text changed size.
  document.addEventListener("toggle", function (event) {
    var slide = event.target.closest && event.target.closest(".slide");
    if (slide && !slide.hidden) fitText(slide);
  }, true);

  prevButton.addEventListener("click", function () { go(-1); });
  nextButton.addEventListener("click", function () { go(1); });
  fullButton.addEventListener("click", toggleFullscreen);
  window.addEventListener("hashchange", function () { show(fromHash(), false); });

  // A new size (full screen, a resized window): fit the text again, and the map view.
  var resizeFrame = 0;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(function () {
      var n = state.current;
      fitText(slides[n - 1]);
      if (map) {
        map.invalidateSize({ pan: false });
        moveMap(deck.slides[n - 1], true);
      }
    });
  });

  show(fromHash(), true);
})();
