"""A translator exports a survey's texts, fills them in, and imports them back."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from survey.definitions import DefinitionError, load_definition
from survey.definitions.translation import export_texts, import_texts, to_csv, to_po

SHIPPED = Path(__file__).parents[1] / "survey" / "data" / "surveys" / "activities.yaml"


@pytest.fixture
def survey_copy(tmp_path) -> Path:
    path = tmp_path / "activities.yaml"
    shutil.copy(SHIPPED, path)
    return path


def filled_csv(tmp_path, survey: Path, language: str, drop: int = 0, extra: bool = False) -> Path:
    rows = export_texts(survey, language)
    for row in rows:
        row[language] = f"[{language}] {row['en']}"
    rows = rows[: len(rows) - drop] if drop else rows
    if extra:
        rows.append({"id": "question.nope.text", "source": "", "en": "", language: "x"})
    path = tmp_path / f"{language}.csv"
    path.write_text(to_csv(rows, language), encoding="utf-8")
    return path


def test_export_lists_every_text_with_source_and_reference(survey_copy):
    rows = export_texts(survey_copy, "de")
    ids = [row["id"] for row in rows]
    assert "question.activities.option.repair_cafe" in ids and "question.when.row.mon" in ids
    first = rows[0]
    assert (first["id"], first["source"], first["en"], first["de"]) == ("title", "Wat wil jij in jouw buurt?", "What do you want in your neighbourhood?", "")


def test_import_adds_a_language_as_draft_and_keeps_comments(tmp_path, survey_copy):
    count = import_texts(survey_copy, filled_csv(tmp_path, survey_copy, "de"), "de")
    definition = load_definition(survey_copy)
    assert count == len(export_texts(SHIPPED, "de"))
    assert definition.languages["de"].review == "draft"
    assert definition.text(definition.question("when").rows[0].label, "de") == "[de] Monday"
    assert survey_copy.read_text(encoding="utf-8").startswith("# Default survey of Buurtpeiling")


def test_import_refuses_incomplete_or_unknown_texts_and_leaves_the_file(tmp_path, survey_copy):
    before = survey_copy.read_bytes()
    with pytest.raises(DefinitionError, match="the translation is missing"):
        import_texts(survey_copy, filled_csv(tmp_path, survey_copy, "de", drop=1), "de")
    with pytest.raises(DefinitionError, match="unknown text id 'question.nope.text'"):
        import_texts(survey_copy, filled_csv(tmp_path, survey_copy, "de", extra=True), "de")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,fr\ntitle,Bonjour\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="needs the columns"):
        import_texts(survey_copy, wrong, "de")
    assert survey_copy.read_bytes() == before


def test_po_roundtrip_for_poedit(tmp_path, survey_copy):
    rows = export_texts(survey_copy, "de")
    po_path = tmp_path / "de.po"
    po_path.write_bytes(to_po(rows, "de", "activities"))
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale="de")
    for message in catalog:
        if message.id:
            message.string = "DE " + message.id
    with po_path.open("wb") as handle:
        write_po(handle, catalog)
    import_texts(survey_copy, po_path, "de")
    assert load_definition(survey_copy).title["de"] == "DE Wat wil jij in jouw buurt?"


def test_cli_export_and_import(runner, tmp_path, survey_copy):
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["translate", "survey-export", str(survey_copy), "-l", "de", "-o", str(out)])
    assert result.exit_code == 0 and "without a translation into de" in result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["id"] == "title"
    bad = runner.invoke(args=["translate", "survey-import", str(survey_copy), str(out), "-l", "de"])
    assert bad.exit_code == 1 and "the translation is missing" in bad.output
