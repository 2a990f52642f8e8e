"""A printable A4 poster per neighbourhood: a call to action in every language of the round and a
QR code with a short, language-neutral link that opens the survey in the phone's language."""

from __future__ import annotations

import segno
from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import force_locale
from markupsafe import Markup

from ..areas.queries import area_by_key
from ..i18n import best_language, languages
from ..i18n_lazy import _
from ..main.urls import language_blueprint
from ..surveys.queries import round_by_key

short_bp = Blueprint("short", __name__)
poster_bp = language_blueprint("posters", __name__, template_folder="templates")


@short_bp.get("/r/<round_key>/<area_key>", strict_slashes=False)
def short_link(round_key: str, area_key: str):
    """The link on posters: the survey in the visitor's language (Accept-Language, else Dutch).

    Typed from paper, so also with a slash at the end or in capitals (keys are lower case).
    """
    round_key, area_key = round_key.lower(), area_key.lower()
    survey_round = round_by_key(round_key)
    if survey_round is None or area_by_key(area_key) is None:
        abort(404)
    lang = best_language(survey_round.languages)
    return redirect(url_for("responses.survey_form", lang=lang, round_key=round_key, area_key=area_key))


def qr_svg(link: str) -> Markup:
    """An inline SVG QR code (error correction M: survives a crease or a smudge)."""
    code = segno.make(link, error="m")
    return Markup(code.svg_inline(border=2, dark="#000", light="#fff", title=link, omitsize=True))


@poster_bp.get("/r/<round_key>/<area_key>/poster")
def poster(round_key: str, area_key: str):
    survey_round = round_by_key(round_key)
    area = area_by_key(area_key)
    if survey_round is None or area is None or not survey_round.asks_in(area):
        abort(404)
    base = current_app.config.get("PUBLIC_BASE_URL") or url_for("main.index", _external=True).rstrip("/")
    link = base + url_for("short.short_link", round_key=round_key, area_key=area_key)
    known = languages()
    calls = []
    for code in survey_round.languages:
        if code not in known:
            continue
        with force_locale(code):
            calls.append((known[code], _("What do you want in %(area)s? Tell us!", area=area.name),
                          _("Scan the code with your phone camera. It takes about 5 minutes and is anonymous.")))
    return render_template("responses/poster.html", survey_round=survey_round, area=area, link=link,
                           qr=qr_svg(link), calls=calls, definition=survey_round.definition)
