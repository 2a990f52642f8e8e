"""Shared helpers of the door-to-door tests: a walk list, canvassers with device tokens, batches.

Imported by the test_canvassing*.py files (pytest finds the fixtures where they are imported)."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module

import pytest
from sqlalchemy import func, select

from survey.extensions import db

ROUND = "activities-2026"
API = "/api/v1/submissions"

WALK_LIST_CSV = """street;house number;addition;postcode;neighbourhood
Wyckerpoort Steenweg;1;;6221 AB;wyckerpoort
Wyckerpoort Steenweg;3;a;6221AB;wyckerpoort
Wyckerpoort Steenweg;5;;6221AB;wyckerpoort
Meerssenerweg;10;;6222AC;wyckerpoort
Meerssenerweg;12;bis;6222AC;wyckerpoort
Daalhoferweg;2;;6217AA;daalhof
"""

# A complete door interview, as the interview page's script sends it: form fields to lists.
ANSWERS = {
    "q-visit_frequency": ["monthly"],
    "q-activities": ["cooking_together", "quiz", "other"],
    "q-activities-other": ["Jeu de boules"],
    "q-top3-1": ["quiz"],
    "q-top3-2": ["cooking_together"],
    "q-when": ["mon:evening", "sat:morning"],
    "q-barriers": ["cost"],
    "q-age_group": ["age_46_65"],
    "q-idea": ["Een moestuin"],
}


@pytest.fixture
def walk_list(app, tmp_path, runner):
    """Six doors: five in Wyckerpoort on two streets, one in Daalhof. Returns ``{label: door id}``."""
    from survey.canvassing.models import Door

    path = tmp_path / "walk.csv"
    path.write_text(WALK_LIST_CSV, encoding="utf-8")
    result = runner.invoke(args=["walklist", "import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return {door.label: door.id for door in db.session.scalars(select(Door))}


@pytest.fixture
def canvasser(app, accounts):
    """A canvasser of Wyckerpoort: ``(user id, device token)``."""
    return make_canvasser(app, accounts, "canvasser-wyck@example.nl", "canvasser", ("wyckerpoort",))


def make_canvasser(app, accounts, email: str, role: str, areas: tuple[str, ...]):
    user_id = accounts.create(email, role, areas)
    return user_id, token_for(app, user_id)


def token_for(app, user_id: int) -> str:
    """A device token, as a canvasser page hands it out: bound to a new server-side session."""
    from survey.accounts.models import User
    from survey.accounts.sessions import start_session
    from survey.canvassing.tokens import issue_device_token

    with app.test_request_context():
        user = db.session.get(User, user_id)
        session, _ = start_session(user)
        token = issue_device_token(user, session)
        db.session.commit()
        return token


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def interview(item_uuid: str | None = None, **overrides) -> dict:
    item = {
        "type": "interview", "uuid": item_uuid or new_uuid(), "round": ROUND, "version": 1, "area": "wyckerpoort",
        "language": "nl", "day": dt.date.today().isoformat(), "answers": dict(ANSWERS),
    }
    item.update(overrides)
    return item


def visit(door: int, outcome: str = "not_home", item_uuid: str | None = None, **overrides) -> dict:
    item = {
        "type": "visit", "uuid": item_uuid or new_uuid(), "round": ROUND, "door": door, "outcome": outcome,
        "visited_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    item.update(overrides)
    return item


def send(client, items, token: str | None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(API, json={"items": items}, headers=headers)


def interviews_kept(app) -> int:
    """Door interviews the server holds: stored, or still sealed until a release (sealing.py)."""
    from survey.responses.models import Response, SealedItem

    return count_rows(app, Response) + count_rows(app, SealedItem, kind="interview")


def store_sealed(app) -> None:
    """Store every sealed interview now (a release does this once five of a neighbourhood wait)."""
    from survey.canvassing.services import local_today
    from survey.dashboards.releases import flush_sealed
    from survey.surveys.queries import round_by_key

    with app.test_request_context():
        flush_sealed(round_by_key(ROUND), local_today(), minimum=1)
        db.session.commit()


def count_rows(app, model, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)
