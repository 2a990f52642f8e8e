"""Blueprints whose URLs start with the language: ``/<lang>/...``."""

from flask import Blueprint, abort, g

from ..i18n import languages


def language_blueprint(name: str, import_name: str, path: str = "", **options) -> Blueprint:
    """A blueprint under ``/<lang><path>``: the language is checked and kept in ``g.lang``."""
    bp = Blueprint(name, import_name, url_prefix=f"/<lang>{path}", **options)

    @bp.url_value_preprocessor
    def _pull_language(endpoint, values):
        code = (values or {}).pop("lang", None)
        if code not in languages():
            g.unknown_lang = code
            abort(404)
        g.lang = code

    @bp.url_defaults
    def _add_language(endpoint, values):
        values.setdefault("lang", g.get("lang"))

    return bp
