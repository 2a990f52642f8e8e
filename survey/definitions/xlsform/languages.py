"""Language columns of an XLSForm: ``label::Nederlands (nl)`` and the other ways people write them."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache

from babel import Locale, UnknownLocaleError

# "Nederlands (nl)", "English (en)", "Portuguese (pt-BR)": the form the XLSForm spec recommends.
NAME_AND_CODE = re.compile(r"^.*\((?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)\)\s*$")
BARE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")


@cache
def language_name(code: str) -> str:
    """The language's name in itself, as the app's language switcher shows it: ``Nederlands``."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def column_language(code: str) -> str:
    """How a language is written in column headers and settings: ``Nederlands (nl)``."""
    return f"{language_name(code)} ({code})"


def language_code(value: str, known: Collection[str]) -> str | None:
    """The language code a header suffix or setting means, or ``None`` when it cannot be told.

    Accepts ``Nederlands (nl)``, ``nl``, and a language's name in English or in itself
    (``Dutch``, ``Nederlands``) for the languages in ``known``.
    """
    value = value.strip()
    match = NAME_AND_CODE.match(value)
    if match:
        return _normalise(match.group("code"))
    if BARE_CODE.match(value):
        return _normalise(value)
    folded = value.casefold()
    for code in known:
        names = {language_name(code).casefold(), _english_name(code).casefold()}
        if folded in names:
            return code
    return None


def _normalise(code: str) -> str:
    """``pt-br`` → ``pt_BR``, as the definitions and the catalogs write codes."""
    language, _, region = code.replace("-", "_").partition("_")
    return f"{language.lower()}_{region.upper()}" if region else language.lower()


def _english_name(code: str) -> str:
    try:
        return Locale.parse(code).get_display_name("en") or code
    except (ValueError, UnknownLocaleError):
        return code
