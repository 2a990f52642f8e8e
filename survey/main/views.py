"""Routes outside the language prefix."""

from flask import Blueprint, jsonify, redirect, url_for
from sqlalchemy import text

from ..extensions import db
from ..i18n import best_language

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Send the visitor to the landing page in their browser's language (Dutch by default)."""
    return redirect(url_for("lang.landing", lang=best_language()))


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", never a traceback
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
