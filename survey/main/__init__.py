"""The front door: the health check, the language redirect, the landing page, template helpers."""

from urllib.parse import urlencode

from flask import g, request, url_for
from flask_babel import format_date, format_datetime, format_decimal

from ..i18n import current_language, languages
from ..i18n_lazy import _, _l
from .views import bp


def switcher_languages(offered=None) -> dict:
    """The languages a page's switcher offers: those of its survey round where the page belongs to
    one (a resident must not land in a language the round does not speak), else every language."""
    known = languages()
    if not offered:
        return known
    return {code: known[code] for code in offered if code in known}


def switch_language_url(code: str) -> str:
    """This page in another language (GET pages; forms switch with a button that keeps answers)."""
    if request.url_rule is not None and "lang" in request.url_rule.arguments:
        # The query is copied as it came, never handed to url_for: there names such as _method,
        # _external or _scheme would change how the link is built. One named like a path argument
        # (e.g. ?lang=) is dropped, so that none can override the path's own.
        path = url_for(request.endpoint, **{**request.view_args, "lang": code})
        query = [(name, value) for name, value in request.args.items(multi=True) if name not in request.url_rule.arguments]
        return f"{path}?{urlencode(query)}" if query else path
    return url_for("lang.landing", lang=code)


def survey_text(definition, text) -> str:
    """A text of a survey definition in the current language (the source language where missing)."""
    return definition.text(text, g.get("lang") or definition.source_language)


def review_label(state: str) -> str:
    """The review state of a translation, in words."""
    return {"source": _("source text"), "draft": _("draft"), "reviewed": _("reviewed by a native speaker")}.get(state, state)


def staff_links() -> list[tuple[str, str]]:
    """The staff pages the signed-in user's role may open, as (endpoint, label)."""
    from flask import current_app
    from flask_login import current_user

    links = []
    role = getattr(current_user, "role", None)
    role = getattr(role, "value", role)
    for endpoint, label, roles in STAFF_PAGES:
        if role in roles and endpoint in current_app.view_functions:
            links.append((endpoint, label))
    return links


# Each feature's entry page for staff: (endpoint, label, roles); a missing endpoint is skipped.
STAFF_PAGES = [
    ("canvassing.walk_list", _l("Walk list"), {"canvasser"}),
    ("canvassing.coverage", _l("Door coverage"), {"admin"}),
    ("dashboards.index", _l("Dashboards"), {"admin", "board"}),
    ("dashboards_admin.rounds", _l("Results and ideas"), {"admin"}),
    ("admin.overview", _l("Administration"), {"admin"}),
]


def init_app(app):
    from . import models  # noqa: F401  (the health check's table, for migrations and the test clean-up)
    from .lang import lang_bp

    app.register_blueprint(bp)
    app.register_blueprint(lang_bp)

    @app.context_processor
    def template_helpers():
        return {
            "current_language": current_language,
            "all_languages": languages,
            "switcher_languages": switcher_languages,
            "switch_language_url": switch_language_url,
            "survey_text": survey_text,
            "format_date": format_date,
            "format_datetime": format_datetime,
            "format_decimal": format_decimal,
            "review_label": review_label,
            "staff_links": staff_links,
        }
