"""The public survey form, the receipt, and the storage of answers."""

from flask import g

from .views import bp


def answer_text(definition, question, value) -> str:
    """A stored answer as words in the current language, for the receipt page."""
    lang = g.get("lang") or definition.source_language
    labels = {option.key: definition.text(option.label, lang) for option in definition.options_of(question)}
    if question.type == "multiple":
        words = [labels.get(key, key) for key in value["options"] if key != "other"]
        if value.get("other"):
            words.append(value["other"])
        return ", ".join(words)
    if question.type == "ranking":
        return ", ".join(f"{place}. {labels.get(key, key)}" for place, key in enumerate(value, start=1))
    if question.type == "grid":
        rows = {row.key: definition.text(row.label, lang) for row in question.rows}
        columns = {column.key: definition.text(column.label, lang) for column in question.columns}
        return ", ".join(f"{rows[r]} {columns[c]}" for r, c in (cell.split(":") for cell in value))
    if question.type == "single":
        return labels.get(value, value)
    return str(value)


def init_app(app):
    from .poster import poster_bp, short_bp

    app.register_blueprint(bp)
    app.register_blueprint(poster_bp)
    app.register_blueprint(short_bp)
    app.add_template_global(answer_text)
