"""Friendly error pages in the visitor's language, and JSON problems for the API."""

from __future__ import annotations

from flask import g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .i18n import best_language, languages
from .i18n_lazy import _


def _messages(code: int) -> tuple[str, str]:
    """Title and explanation of an error, in the current language."""
    known = {
        400: (_("This request could not be read"), _("Something in what was sent is not right. Please go back and try again.")),
        401: (_("Please sign in"), _("This page is for people with an account.")),
        403: (_("No access"), _("Your account does not give access to this page.")),
        404: (_("Page not found"), _("This page does not exist (any more). Check the address, or start from the home page.")),
        405: (_("Not possible here"), _("This page cannot be used this way.")),
        410: (_("This survey is closed"), _("This survey round is not open now. Thank you for your interest.")),
        413: (_("Too much at once"), _("What you sent is too large. Please shorten your answers and try again.")),
        422: (_("Please check your answers"), _("Some answers could not be accepted.")),
        429: (_("Please wait a moment"), _("Too many attempts in a short time. Please try again later.")),
        503: (_("Not available right now"), _("Please try again in a few minutes.")),
    }
    return known.get(code, (_("Something went wrong"), _("We could not handle this request. Please try again later.")))


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(code: int, detail: str | None = None):
    if not getattr(g, "lang", None) or g.lang not in languages():
        # No route matched, so the URL's language was not read: take it from the path if known.
        first = request.path.strip("/").split("/", 1)[0]
        g.lang = first if first in languages() else best_language()
    title, text = _messages(code)
    if _wants_json():
        return jsonify(status=code, code=_problem_code(code), title=str(title), message=detail or str(text)), code
    unknown = getattr(g, "unknown_lang", None)
    return render_template("errors/error.html", code=code, title=title, text=detail or text, unknown_lang=unknown), code


def _problem_code(code: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
            410: "gone", 413: "too_large", 422: "invalid", 429: "rate_limited"}.get(code, "server_error")


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, str(_("The form had expired or was sent from elsewhere. Please reload the page and try again; your answers on this page may need to be given again.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in (301, 302, 303, 307, 308) or error.code is None:
            return error
        return render_error(error.code)

    @app.errorhandler(UnicodeDecodeError)
    def bad_encoding(error):
        return render_error(400)

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unhandled error")
        db.session.rollback()
        return render_error(InternalServerError.code)
