"""Every shipped language has every text: the interface (Babel catalogs) and the shipped surveys.

The interface texts are extracted afresh from the code, so a text added without running
`flask translate update` fails here too, not only an empty translation.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from survey.definitions import load_definition
from survey.i18n import REVIEW_STATES, SOURCE_LANGUAGE

ROOT = Path(__file__).parents[1]
TRANSLATIONS = ROOT / "translations"
SURVEYS = sorted((ROOT / "survey" / "data" / "surveys").glob("*.yaml"))
LANGUAGES = sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@cache
def extracted() -> dict:
    """The interface texts as the code has them now: {(context, msgid): message}."""
    pot = Path(__import__("tempfile").mkdtemp()) / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "--no-location", "-o", str(pot), "survey"], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return {(m.context, m.id): m for m in read_po(handle) if m.id}


def catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_shipped_languages():
    assert set(LANGUAGES) >= {"nl", "ar", "tr", "pl", "uk"}, "English is the source; the others need catalogs"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_every_interface_text(language):
    messages = {(m.context, m.id): m for m in catalog(language) if m.id}
    missing = []
    for key, source in extracted().items():
        message = messages.get(key)
        strings = message.string if message else None
        if isinstance(strings, tuple):
            empty = not all(strings)
        else:
            empty = not strings
        if message is None or empty or message.fuzzy:
            missing.append(source.id if isinstance(source.id, str) else source.id[0])
    assert not missing, f"{language}: {len(missing)} texts untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_the_source(language):
    wrong = []
    for message in catalog(language):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            # A plural form may leave out the count (e.g. "one" in words), never add a name.
            if found - expected or (len(ids) == 1 and found != expected):
                wrong.append((ids[0], string))
    assert not wrong, f"{language}: placeholders differ: {wrong[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_compiles(language):
    loaded = catalog(language)
    errors = [(message.id, [str(e) for e in errs]) for message, errs in loaded.check()]
    assert not errors, errors
    write_mo(io.BytesIO(), loaded)


@pytest.mark.parametrize("language", LANGUAGES)
def test_review_state_is_recorded(language):
    meta = yaml.safe_load((TRANSLATIONS / language / "language.yaml").read_text(encoding="utf-8"))
    assert meta["review"] in REVIEW_STATES


@pytest.mark.parametrize("path", SURVEYS, ids=lambda p: p.name)
def test_shipped_surveys_speak_every_language(path):
    # The loader refuses a definition that misses any text of a language it lists.
    definition = load_definition(path)
    assert set(definition.languages) == set(LANGUAGES) | {SOURCE_LANGUAGE}
    for code, info in definition.languages.items():
        assert info.review in ("source", "draft", "reviewed"), code
