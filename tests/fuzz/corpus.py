"""Nasty strings residents (or attackers) can type, kept in one list so every surface gets them.

Why a fixed corpus beside hypothesis: hypothesis explores widely but rarely builds the specific
shapes that break parsers and templates (SQL quotes, HTML tags, bidi overrides, lone surrogates,
format strings), and the fixed list makes a failure easy to reproduce.
"""

from __future__ import annotations

NASTY_TEXT: tuple[str, ...] = (
    "",
    " ",
    "\t\n\r",
    "\x00",
    "hi\x00there",
    "\x07\x08\x1b[31mred\x1b[0m",
    "\u202eevil\u202c text with RTL override",
    "مرحبا، هل موقع الضرائب يعمل؟",
    "שלום האם הפח פתוח",
    "\u200f\u200eמעורב mixed \u2066isolate\u2069",
    "🔥💸🏠🚮" * 20,
    "👨‍👩‍👧‍👦 family emoji ZWJ",
    "Z̸̢̛̯͓̙̈́͋a̵̭̓l̷̰͝g̶̬̿o̵̹͐ text",
    "\ufeffBOM at start",
    "\ud800 lone surrogate",
    "'; DROP TABLE cases; --",
    "\" OR 1=1 --",
    "1' UNION SELECT password_hash FROM staff_users --",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(document.cookie)>",
    "{{7*7}} ${7*7} #{7*7} <%= 7*7 %>",
    "%s%s%s%n%x",
    "{0.__class__.__mro__}",
    "/restart",
    "/session_start",
    '/service_status{"service": "council_tax", "council": "westminster"}',
    "/urgent_help{\"urgent_category\": \"abuse\"",
    "/nlu_fallback",
    "/" + "a" * 300,
    "../../../../etc/passwd",
    "file:///etc/shadow",
    "http://127.0.0.1:5005/conversations/x/tracker",
    "a" * 1601,
    "word " * 400,
    "STOP ALL texts but actually not stop",
    "\\u0000\\x00\\",
    "NaN",
    "-1e309",
    "null",
)

NASTY_SENDERS: tuple[str, ...] = (  # odd, but safe conversation ids: answered under their own id
    "x" * 128,  # the longest sender the REST channel accepts
    "sender with spaces",
    "😀",
    "'; DROP TABLE events; --",
    "...",
)

REFUSED_SENDERS: tuple[str, ...] = (  # conversation ids the REST channel refuses (400)
    "x" * 129,
    "../../etc/passwd",  # "/", "?", "#" and "\\" would break the console's /conversations/ URLs
    "case?id=1",
    "a#fragment",
    "back\\slash",
    "\u202eredisr",  # control and format characters
    "nul\x00",
    "sms-0000000000000000000a",  # looks like an SMS pseudonym: REST must not reach its number
    "..",  # a dot segment: the console's URL would lose it
    "",
    "   ",
)
