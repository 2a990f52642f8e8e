"""Access checks for staff pages: by role, and by the neighbourhoods an account covers."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..areas.models import Area
from .models import Role


def roles_required(*roles: Role):
    """Allow a view only to signed-in users with one of ``roles`` (others get 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def ensure_area_access(area: Area | None) -> Area:
    """The area, if the current user may see it; 404 otherwise, so that others' areas stay unseen."""
    if area is None or not current_user.is_authenticated or not current_user.may_see_area(area):
        abort(404)
    return area
