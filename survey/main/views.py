"""Routes outside the language prefix."""

import datetime as dt

from flask import Blueprint, current_app, jsonify, redirect, url_for
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..errors import RETRY_AFTER, rollback_quietly
from ..extensions import db
from ..i18n import best_language
from .models import HealthCheck

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Send the visitor to the landing page in their browser's language (Dutch by default)."""
    return redirect(url_for("lang.landing", lang=best_language()))


@bp.get("/healthz")
def healthz():
    """``{"status": "ok"}`` once the database answers and takes a write (503 otherwise).

    Reading alone is not enough: with the disk full or the database read-only, pages still open
    but every answer sent is lost. So the check writes (and commits) one row.
    """
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        if not db.session.execute(update(HealthCheck).where(HealthCheck.id == 1).values(checked_at=now)).rowcount:
            db.session.add(HealthCheck(id=1, checked_at=now))
        db.session.commit()
    except IntegrityError:  # two checks at once both found no row, and the other one wrote it
        db.session.rollback()
    except Exception as error:  # any database failure means "not healthy", never a traceback
        rollback_quietly()
        current_app.logger.warning("health check: the database cannot be written (%s)", type(error).__name__)
        response = jsonify(status="unavailable")
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response, 503
    return jsonify(status="ok")
