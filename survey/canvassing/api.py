"""``POST /api/v1/submissions``: a canvasser's device sends its queue; and the service worker.

Authentication: the device token (``Authorization: Bearer …``, see tokens.py), which outlives the
browser's session; or the session cookie with the CSRF token in an ``X-CSRFToken`` header, as any
other form of the app. The route is exempt from the global CSRF check only to make that choice
itself: a request without a token gets the same CSRF check as a form.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Blueprint, current_app, g, jsonify, request, send_file
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from ..accounts.models import Role
from ..extensions import csrf, db, limiter
from ..i18n import best_language
from ..surveys.models import SurveyRound
from .services import REJECTED, receive_batch
from .sync import BatchError, parse_batch
from .texts import batch_message, reason_message
from .tokens import user_from_device_token

bp = Blueprint("canvassing_api", __name__)


def _problem(status: int, code: str, **params):
    """A JSON problem: a stable ``code`` for the device and a ``message`` in the canvasser's language."""
    return jsonify(status=status, code=code, message=batch_message(code, **params)), status


def _canvasser():
    """The account sending the batch, or a JSON problem to answer instead."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_from_device_token(header.removeprefix("Bearer ").strip())
        if user is None:
            return None, _problem(401, "unauthorized")
    elif current_user.is_authenticated:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            try:
                csrf.protect()
            except CSRFError:
                return None, _problem(400, "csrf_failed")
        user = current_user._get_current_object()
    else:
        return None, _problem(401, "unauthorized")
    if user.role not in (Role.CANVASSER, Role.ADMIN):
        return None, _problem(403, "forbidden")
    return user, None


@bp.post("/api/v1/submissions")
@csrf.exempt
@limiter.limit(lambda: current_app.config["CANVASS_SYNC_RATE_LIMIT"])
def submissions():
    """Store a batch of interviews and visit outcomes; answer per item (see sync.py for the format)."""
    g.lang = best_language()  # the device sends the canvasser's language as Accept-Language
    user, problem = _canvasser()
    if problem:
        return problem
    max_items = current_app.config["CANVASS_SYNC_MAX_ITEMS"]
    try:
        items = parse_batch(_json_body(), max_items)
    except BatchError as error:
        status = 413 if error.code == "batch_too_large" else 400
        return _problem(status, error.code, max=max_items)
    try:
        results = receive_batch(items, user)
        db.session.commit()
    except OperationalError:
        # SQLite still locked after its busy timeout, or a PostgreSQL deadlock: nothing of this
        # batch was stored, and the device sends it again.
        db.session.rollback()
        current_app.logger.warning("sync batch postponed: database busy", exc_info=True)
        response, status = _problem(503, "busy")
        response.headers["Retry-After"] = "5"
        return response, status
    definitions = _definitions(items)
    return jsonify(
        results=[_result_json(result, definitions.get(getattr(item, "round_key", None))) for item, result in zip(items, results)],
        stored=sum(r.status == "stored" for r in results),
        duplicate=sum(r.status == "duplicate" for r in results),
        rejected=sum(r.status == REJECTED for r in results),
        server_time=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )


def _json_body():
    try:
        return request.get_json(silent=True)
    except RecursionError:  # "[[[[…" nested deeper than the parser goes: not a batch either
        return None


def _definitions(items) -> dict:
    keys = {item.round_key for item in items if getattr(item, "round_key", None)}
    rounds = db.session.scalars(select(SurveyRound).where(SurveyRound.key.in_(keys))) if keys else []
    return {survey_round.key: survey_round.definition for survey_round in rounds}


def _result_json(result, definition) -> dict:
    body = {"uuid": result.uuid, "status": result.status}
    if result.status == REJECTED:
        body["code"] = result.code
        body["reason"] = reason_message(result.code, result.params, definition, g.lang)
        if result.params.get("question"):
            body["question"] = result.params["question"]
    return body


@bp.get("/canvass-sw.js")
def service_worker():
    """The service worker, from the site's root so that its scope covers ``/<lang>/canvass/``
    in every language; only canvasser pages and their assets are answered by it."""
    path = Path(current_app.static_folder, "canvassing", "sw.js")
    response = send_file(path, mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
