"""Survey texts per language for translators: export to CSV or PO, import back into the file.

The export holds one row per text: its id, the source text, the English text for reference, and
the translation (empty where missing). The import writes a language's translations into the
definition file in place (comments and layout kept) and only after the result validates.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from .loader import QUESTION_TEXTS, DefinitionError, load_definition, parse_definition, texts

REFERENCE_LANGUAGE = "en"


def export_texts(path: str | Path, language: str) -> list[dict[str, str]]:
    """Rows of ``id, source, en, <language>`` for every text of the definition."""
    definition = load_definition(path)
    source = definition.source_language
    rows = []
    for text_id, text in texts(definition):
        if text is None:
            continue
        rows.append({"id": text_id, "source": text.get(source, ""), REFERENCE_LANGUAGE: text.get(REFERENCE_LANGUAGE, ""),
                     language: text.get(language, "")})
    return rows


def to_csv(rows: list[dict[str, str]], language: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", "source", REFERENCE_LANGUAGE, language] if language != REFERENCE_LANGUAGE
                            else ["id", "source", language], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_po(rows: list[dict[str, str]], language: str, survey_key: str) -> bytes:
    catalog = Catalog(locale=language, project=f"survey {survey_key}")
    for row in rows:
        catalog.add(row["source"], string=row[language], context=row["id"],
                    auto_comments=[f"en: {row[REFERENCE_LANGUAGE]}"] if row.get(REFERENCE_LANGUAGE) else [])
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False)
    return out.getvalue()


def read_translations(path: str | Path, language: str) -> dict[str, str]:
    """``{text id: translation}`` from a CSV (column named after the language) or a PO file."""
    path = Path(path)
    if path.suffix == ".po":
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        return {message.context: message.string for message in catalog if message.id and message.context}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "id" not in reader.fieldnames or language not in reader.fieldnames:
            raise DefinitionError(path.name, [f"the file needs the columns 'id' and {language!r}"])
        return {row["id"]: (row[language] or "").strip() for row in reader}


def import_texts(definition_path: str | Path, translations_path: str | Path, language: str, review: str = "draft") -> int:
    """Write one language's translations into the definition file; return how many texts were set.

    :raise DefinitionError: for unknown ids, missing translations or a result that does not
        validate; the file is then left as it was.
    """
    definition_path = Path(definition_path)
    translations = read_translations(translations_path, language)
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # keep every text on its own line, as written
    yaml.indent(mapping=2, sequence=4, offset=2)
    document = yaml.load(definition_path.read_text(encoding="utf-8"))
    known = {text_id: text for text_id, text in _text_nodes(document)}
    problems = [f"unknown text id {text_id!r}" for text_id in translations if text_id not in known]
    problems += [f"{text_id}: the translation is missing" for text_id in known if not translations.get(text_id)]
    if problems:
        raise DefinitionError(Path(translations_path).name, problems)
    for text_id, node in known.items():
        _set_keeping_layout(node, language, translations[text_id])
    if language not in document["languages"]:
        entry = CommentedMap(review=review)
        entry.fa.set_flow_style()  # as written by hand: `ar: {review: draft}`
        _set_keeping_layout(document["languages"], language, entry)
    out = io.StringIO()
    yaml.dump(document, out)
    parse_definition(YAML(typ="safe").load(out.getvalue()), definition_path.name)  # raises if broken
    definition_path.write_text(out.getvalue(), encoding="utf-8")
    return len(known)


def _set_keeping_layout(node, language: str, value) -> None:
    """Set a text; a blank line that followed the mapping's last entry moves below the new one."""
    if language not in node and node:
        last = list(node.keys())[-1]
        trailing = node.ca.items.pop(last, None)
        node[language] = value
        if trailing:
            node.ca.items[language] = trailing
    else:
        node[language] = value


def _text_nodes(document):
    """The same ids as :func:`loader.texts`, pointing at the editable mappings of the document."""
    for name in ("title", "intro"):
        if document.get(name) is not None:
            yield name, document[name]
    for section in document["sections"]:
        for name in ("title", "intro"):
            if section.get(name) is not None:
                yield f"section.{section['key']}.{name}", section[name]
        for question in section["questions"]:
            base = f"question.{question['key']}"
            for name in QUESTION_TEXTS:
                if question.get(name) is not None:
                    yield f"{base}.{name}", question[name]
            for group in ("options", "rows", "columns", "fields"):
                for item in question.get(group) or ():
                    yield f"{base}.{group.rstrip('s')}.{item['key']}", item["label"]
