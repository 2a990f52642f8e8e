"""Where to go after signing in (pure): only a path on this site, never another host."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# Browsers drop tabs and newlines from a URL and read "\" as "/", so "/\t/evil.example" or
# "/\evil.example" would reach another host; a newline in a header is refused by Werkzeug (a 500).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")
MAX_LENGTH = 2000


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (with its query), else ``None``.

    Decided on the text as the browser will read it, and again after percent-decoding, so that no
    proxy or later decoding step can turn it into ``//host`` either.
    """
    if not target or len(target) > MAX_LENGTH:
        return None
    for text in (target, unquote(target)):
        if _UNSAFE.search(text) or not text.startswith("/") or text.startswith("//"):
            return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
