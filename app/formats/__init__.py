"""Open formats that other tools read: GeoJSON, KML, GPX, CSV and W3C Web Annotation
JSON-LD, one module per format. Each takes data (the pages' own dicts, or the cited
records), never a request, and returns the document; app/views/downloads.py serves them.
"""

from __future__ import annotations

# The media types the download URLs answer with (described in /openapi.json too).
GEOJSON = "application/geo+json"
KML = "application/vnd.google-earth.kml+xml"
GPX = "application/gpx+xml"
CSV = "text/csv"
ANNOTATIONS = "application/ld+json"
ANNOTATIONS_PROFILE = "http://www.w3.org/ns/anno.jsonld"
