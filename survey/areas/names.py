"""Finding a neighbourhood by a name typed the way people type it (pure).

Residents write "belvedere" for Belvédère, "wijckerpoort" for Wyckerpoort, "st. pieter" for Sint
Pieter, or leave out a letter. Names and queries are compared by a search key (no accents, no
case, "ij" and "y" alike, "st." as "sint", punctuation as space), and, where no name holds the
query, by closeness of spelling. The landing page's script makes the same key (filter.js).
"""

from __future__ import annotations

import difflib
import re
import unicodedata

CLOSE_ENOUGH = 0.8  # difflib's ratio from which a name counts as meant (one or two letters off)


def search_key(text: str) -> str:
    """``"St. Pieter-Zuid"`` → ``"sint pieter zuid"``; ``"Wijckerpoort"`` → ``"wyckerpoort"``."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    plain = plain.casefold().replace("ij", "y").replace("'", "")
    plain = re.sub(r"[^\w]+", " ", plain).strip()
    return re.sub(r"\bst\b", "sint", plain)


def matching(query: str, names: dict[str, str]) -> list[str]:
    """The keys of ``names`` ({key: name}) the query means: names holding it, else close ones."""
    wanted = search_key(query)
    if not wanted:
        return []
    keys = {key: search_key(name) for key, name in names.items()}
    found = [key for key, name in keys.items() if wanted in name]
    if found:
        return found
    return [key for key, name in keys.items() if _close(wanted, name)]


def _close(wanted: str, name: str) -> bool:
    """Whether ``wanted`` is spelt like the name or like a run of its words."""
    words = name.split()
    candidates = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    return any(difflib.SequenceMatcher(None, wanted, candidate).ratio() >= CLOSE_ENOUGH for candidate in candidates)
