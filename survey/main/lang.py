"""The landing page and the neighbourhood picker, under ``/<lang>/``."""

from flask import render_template, request

from ..surveys.queries import open_rounds
from ..areas.names import search_key
from ..areas.queries import districts_with_neighbourhoods, postcodes_loaded, search_neighbourhoods
from .urls import language_blueprint

lang_bp = language_blueprint("lang", __name__)


@lang_bp.get("/")
def landing():
    rounds = open_rounds()
    query = request.args.get("q", "").strip()[:60]
    found = search_neighbourhoods(query) if query else None
    return render_template(
        "main/landing.html", rounds=rounds, districts=districts_with_neighbourhoods(), query=query, found=found,
        with_postcodes=postcodes_loaded(), search_key=search_key,
    )
