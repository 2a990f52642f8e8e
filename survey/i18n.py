"""Which languages the interface speaks, how one is chosen, and which way it is written.

Interface texts are written in English in the code (the msgids) and translated in the Babel
catalogs under ``translations/``; every catalog found there is a language the app offers, so adding
a language needs no code. Each catalog folder also holds ``language.yaml`` with its review state.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from babel import Locale
from flask import current_app, g, request

SOURCE_LANGUAGE = "en"  # the language of the msgids
REVIEW_STATES = ("source", "draft", "reviewed")


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself: "العربية", not "Arabic"
    direction: str  # "ltr" or "rtl"
    review: str  # one of REVIEW_STATES

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"


def describe(code: str, review: str = "draft") -> Language:
    """Describe a language from Babel's locale data."""
    locale = Locale.parse(code)
    name = locale.get_display_name(locale) or code
    return Language(code, name[:1].upper() + name[1:], locale.text_direction, review)


@cache
def discover(translations_dir: str) -> dict[str, Language]:
    """Return every language with a catalog (plus the source language), in a stable order."""
    languages = {SOURCE_LANGUAGE: describe(SOURCE_LANGUAGE, "source")}
    for folder in sorted(Path(translations_dir).iterdir()):
        if not (folder / "LC_MESSAGES" / "messages.po").is_file():
            continue
        meta_file = folder / "language.yaml"
        meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
        review = (meta or {}).get("review", "draft")
        languages[folder.name] = describe(folder.name, review if review in REVIEW_STATES else "draft")
    default = current_app.config["BABEL_DEFAULT_LOCALE"] if current_app else "nl"
    # The default language first, then the others as the catalogs are named.
    return dict(sorted(languages.items(), key=lambda item: (item[0] != default, item[0])))


def translations_dir() -> str:
    return _resolved(current_app.root_path, current_app.config["BABEL_TRANSLATION_DIRECTORIES"])


@cache
def _resolved(root: str, relative: str) -> str:
    # Asked on every page, several times: resolving the path each time cost a system call.
    return str(Path(root, relative).resolve())


def languages() -> dict[str, Language]:
    return discover(translations_dir())


def best_language(offered=None) -> str:
    """The visitor's language from Accept-Language among ``offered``, else the default."""
    offered = list(offered or languages())
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    best = request.accept_languages.best_match(offered) if request else None
    return best or (default if default in offered else offered[0])


def select_locale() -> str:
    """Flask-Babel's locale selector: the language of the URL, then the browser's, then Dutch."""
    return getattr(g, "lang", None) or best_language()


def current_language() -> Language:
    code = select_locale()
    return languages().get(code) or describe(code)
