"""Friendly error pages in the visitor's language, and JSON problems for the API.

The handlers here must never fail themselves: a page that cannot be rendered falls back to a plain
one, still in the visitor's language where possible and with the security headers. Database
outages answer 503 with a ``Retry-After``; unexpected errors are logged without the values that
were sent (answers and contact details must never reach a log).
"""

from __future__ import annotations

import traceback

from flask import Response, current_app, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db, login_manager
from .i18n import best_language, languages
from .i18n_lazy import _
from .security import add_security_headers

# Seconds a browser, a tablet or a monitor is asked to wait after a 503.
RETRY_AFTER = 30


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
    """The error page (or JSON problem) for ``code``; a plain page if even that cannot be made."""
    try:
        return _error_response(code, detail)
    except Exception as error:  # noqa: BLE001  (the error page must not fail; the plain one cannot)
        _log("the error page itself failed", error)
        return _plain_error(code)


def _error_response(code: int, detail: str | None):
    if not getattr(g, "lang", None) or g.lang not in languages():
        # No route matched, so the URL's language was not read: take it from the path if known.
        first = request.path.strip("/").split("/", 1)[0]
        g.lang = first if first in languages() else best_language()
    title, text = _messages(code)
    if _wants_json():
        return jsonify(status=code, code=_problem_code(code), title=str(title), message=detail or str(text)), code
    unknown = getattr(g, "unknown_lang", None)
    return render_template("errors/error.html", code=code, title=title, text=detail or text, unknown_lang=unknown), code


def _plain_error(code: int) -> Response:
    """A page made without templates, the database or url_for; in English if translating fails too."""
    try:
        title, text = (str(part) for part in _messages(code))
        lang = g.lang if getattr(g, "lang", None) in languages() else "en"
    except Exception:  # noqa: BLE001
        title, text, lang = "Something went wrong", "Please try again later.", "en"
    body = (f'<!doctype html><html lang="{escape(lang)}"><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<h1>{escape(title)}</h1><p>{escape(text)}</p><p><a href=\"/\">Buurtpeiling</a></p></html>")
    return add_security_headers(Response(body, status=code, mimetype="text/html"))


def _problem_code(code: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
            410: "gone", 413: "too_large", 422: "invalid", 429: "rate_limited", 503: "unavailable"}.get(code, "server_error")


def is_outage(error: BaseException) -> bool:
    """Whether the database could not be reached or written (gone, restarting, full, read-only, locked)."""
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
        return True
    return isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated


def unavailable():
    """503 with a retry hint; the page needs no database (the signed-in user is not loaded)."""
    try:
        g._login_user = login_manager.anonymous_user()
        detail = None
        if request.method == "POST" and not _wants_json():
            detail = str(_("What you sent has not been stored. Go back with your browser's Back button and send it "
                           "again in a few minutes: your answers are still on the page."))
        response, status = _as_response(render_error(503, detail))
    except Exception as error:  # noqa: BLE001
        _log("the error page itself failed", error)
        response, status = _plain_error(503), 503
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response, status


def _as_response(result) -> tuple[Response, int]:
    if isinstance(result, tuple):
        return current_app.make_response(result[0]), result[1]
    return result, result.status_code


def rollback_quietly() -> None:
    """Roll the session back; a connection that is gone cannot, and the pool drops it anyway."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001
        pass


def _log(message: str, error: BaseException) -> None:
    """Log where an error happened, never what was sent.

    Only the frames and the exceptions' types are written: the messages of database errors can quote
    the values of a statement (an answer, an email address), and other messages what a visitor typed.
    """
    lines, seen, current = [], set(), error
    while current is not None and id(current) not in seen and len(seen) < 5:
        seen.add(id(current))
        lines[:0] = [*traceback.format_tb(current.__traceback__), _describe(current) + "\n"]
        current = current.__cause__ or current.__context__
    try:
        where = f"{request.method} {request.path}"
    except Exception:  # noqa: BLE001  (outside a request)
        where = "-"
    current_app.logger.error("%s: %s\nTraceback (values left out):\n%s", message, where, "".join(lines))


def _describe(error: BaseException) -> str:
    name = f"{type(error).__module__}.{type(error).__qualname__}"
    statement = getattr(error, "statement", None)
    return f"{name} [SQL: {statement[:500]}]" if isinstance(statement, str) else name


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
        rollback_quietly()
        if is_outage(error):
            _log("database unavailable", error)
            return unavailable()
        _log("unhandled error", error)
        return render_error(InternalServerError.code)
