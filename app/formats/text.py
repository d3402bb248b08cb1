"""Text as the XML formats (KML, GPX) can carry it.

XML 1.0 cannot hold most C0 control characters, lone surrogates or U+FFFE/U+FFFF, not
even as character references: they are left out (as on the map's labels). Everything
else is written by xml.etree, which escapes & < > (and quotes in attributes), so no
text can end an element or open one. No CDATA is used, so "]]>" needs no care.
"""

from __future__ import annotations

import html
import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def html_text(value: object) -> str:
    """Text for an HTML description (KML balloons): escaped as HTML, then as XML text."""
    return html.escape(xml_text(value), quote=True)
