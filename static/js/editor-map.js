// The place editor's map (app/editor/places.py): a click sets the anchor (or, with
// "Clicks add points to the line" ticked, adds a point to the line); typing in the
// fields moves the marker. Country outlines are the bundled Natural Earth data. "Look
// up a place" fills the fields and moves the anchor from a geocoder's answer.
(function () {
  "use strict";
  const element = document.querySelector("[data-place-map]");
  if (!element || !window.L) return;
  const lat = document.getElementById("f-anchor_lat");
  const lon = document.getElementById("f-anchor_lon");
  const line = document.getElementById("f-line_points");
  const lineMode = document.getElementById("click-adds-line");
  const areaKind = document.getElementById("f-area_kind");
  const status = document.getElementById("place-map-status");

  const map = L.map(element, {worldCopyJump: true, maxZoom: 12}).setView([30, 110], 3);
  if (window.atlasNaturalEarth) {
    L.geoJSON(window.atlasNaturalEarth, {
      style: {color: "#777", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1},
      interactive: false,
    }).addTo(map);
  }
  const marker = L.circleMarker([0, 0], {radius: 7, color: "#a4161a", fillOpacity: 0.9});
  const path = L.polyline([], {color: "#1d5c8f", weight: 3});
  path.addTo(map);
  window.atlasEditorMap = {map: map, marker: marker, path: path, lastClick: null};

  function number(input) {
    const value = parseFloat(input.value);
    return Number.isFinite(value) ? value : null;
  }

  function showAnchor(pan) {
    const a = number(lat), b = number(lon);
    if (a === null || b === null) {
      marker.remove();
      return;
    }
    marker.setLatLng([a, b]).addTo(map);
    if (pan) map.setView([a, b], Math.max(map.getZoom(), 5));
  }

  function linePoints() {
    return line.value.split("\n").map(function (row) {
      const parts = row.split(/[,;]/).map(parseFloat);
      return parts.length === 2 && parts.every(Number.isFinite) ? parts : null;
    }).filter(Boolean);
  }

  function showLine() {
    path.setLatLngs(kind() === "line" ? linePoints() : []);
  }

  // The area as the server will compute it: a circle around the anchor, or the
  // chosen country's outline (the line is `path`).
  const radius = document.getElementById("f-circle_km");
  const country = document.getElementById("f-area_country");
  const area = L.layerGroup().addTo(map);

  function kind() {
    return areaKind ? areaKind.value : "";
  }

  function showArea() {
    area.clearLayers();
    showLine();
    const a = number(lat), b = number(lon), km = radius ? number(radius) : null;
    if (kind() === "circle" && a !== null && b !== null && km !== null && km > 0) {
      L.circle([a, b], {radius: km * 1000, color: "#a4161a", weight: 1, fillOpacity: 0.15,
                        interactive: false}).addTo(area);
    } else if (kind() === "natural_earth" && country && window.atlasNaturalEarth) {
      const feature = window.atlasNaturalEarth.features.find((f) => String(f.id) === country.value);
      if (feature) {
        L.geoJSON(feature, {style: {color: "#a4161a", weight: 2, fillOpacity: 0.15},
                            interactive: false}).addTo(area);
      }
    }
  }

  map.on("click", function (event) {
    const ll = event.latlng.wrap();
    window.atlasEditorMap.lastClick = ll;
    const a = ll.lat.toFixed(4), b = ll.lng.toFixed(4);
    if (lineMode.checked) {
      line.value = (line.value.trim() ? line.value.trim() + "\n" : "") + a + ", " + b;
      if (areaKind) areaKind.value = "line";
      showArea();
      // The words come from the page, in its language (data-msg-point, data-msg-anchor).
      status.textContent = status.dataset.msgPoint + " " + a + ", " + b;
    } else {
      lat.value = a;
      lon.value = b;
      showAnchor(false);
      showArea();
      status.textContent = status.dataset.msgAnchor + " " + a + ", " + b;
    }
  });
  lat.addEventListener("change", function () { showAnchor(true); showArea(); });
  lon.addEventListener("change", function () { showAnchor(true); showArea(); });
  for (const input of [line, areaKind, radius, country]) {
    if (input) input.addEventListener("change", showArea);
  }
  showAnchor(true);
  showArea();

  // "Look up a place" (app/editor/places.py place_lookup): the candidates of the
  // offline gazetteer (or Nominatim) as buttons; choosing one fills the names and the
  // kind and moves the anchor, with an anchor note the editor can change. All text
  // goes in as textContent.
  const lookup = document.getElementById("place-lookup");
  if (!lookup) return;
  const query = document.getElementById("lookup-q");
  const language = document.getElementById("lookup-lang");
  const results = document.getElementById("lookup-results");
  const lookupStatus = document.getElementById("lookup-status");
  const note = document.getElementById("f-anchor_note");
  let prefilledNote = null;

  function fill(id, value) {
    const input = document.getElementById(id);
    if (!input || value === null || value === undefined) return;
    if (input.tagName === "SELECT" && !Array.from(input.options).some((o) => o.value === value)) {
      return;
    }
    input.value = value;
    input.dispatchEvent(new Event("change"));
  }

  function choose(candidate) {
    fill("f-name", candidate.name_en || candidate.name);
    fill("f-name_ko", candidate.name_ko);
    fill("f-kind", candidate.kind);
    if (candidate.kind === "country" && candidate.natural_earth) {
      fill("f-area_kind", "natural_earth");
      fill("f-area_country", candidate.natural_earth);
    }
    lat.value = candidate.lat.toFixed(4);
    lon.value = candidate.lon.toFixed(4);
    if (note && (!note.value.trim() || note.value === prefilledNote)) {
      const template = lookup.dataset["note" + (candidate.provider === "offline" ? "Offline" : "Nominatim")];
      prefilledNote = template.replace("{name}", candidate.name_en || candidate.name);
      note.value = prefilledNote;
    }
    showAnchor(true);
    showArea();
    lookupStatus.textContent = lookup.dataset.msgChosen;
    status.textContent = lookup.dataset.msgAnchor + " " + lat.value + ", " + lon.value;
  }

  function kindLabel(kind) {  // the kind as the form's own (translated) choice says it
    const select = document.getElementById("f-kind");
    const option = select && Array.from(select.options).find((o) => o.value === kind);
    return option ? option.textContent : kind;
  }

  function label(candidate) {
    const names = [candidate.name_en, candidate.name_ko].filter(Boolean).join(" / ");
    return names + " — " + kindLabel(candidate.kind) + ", " + candidate.lat.toFixed(4) + ", " +
      candidate.lon.toFixed(4) + " (" + candidate.address + ")";
  }

  function show(answer) {
    results.replaceChildren();
    const said = [];
    if (answer.message) said.push(answer.message);
    said.push(answer.results.length ? lookup.dataset.msgFound : lookup.dataset.msgNone);
    lookupStatus.textContent = said.join(" ");
    lookupStatus.classList.toggle("form-error", Boolean(answer.message));
    for (const candidate of answer.results) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "lookup-choice";
      button.textContent = label(candidate);
      button.addEventListener("click", function () { choose(candidate); });
      item.appendChild(button);
      results.appendChild(item);
    }
  }

  function run() {
    const q = query.value.trim();
    if (!q) return;
    lookupStatus.textContent = lookup.dataset.msgSearching;
    const url = lookup.dataset.lookupUrl + "?" + new URLSearchParams({q: q, lang: language.value});
    fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(show)
      .catch(function () { lookupStatus.textContent = lookup.dataset.msgFailed; });
  }

  document.getElementById("lookup-go").addEventListener("click", run);
  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {  // look up, do not submit the place form
      event.preventDefault();
      run();
    }
  });
})();
