"""Releases: published figures change at set moments only, and a neighbourhood's only in batches.

Live figures could be read, a resident could answer, and the figures read again: the difference
would be that resident's answers. So dashboards, exports, print and the JSON API show a *release*:
figures worked out once and stored (models.PublishedCell). A release is made at most once a day,
at ``RELEASE_HOUR`` (local time), by the first viewer after that hour or by
``flask dashboards release`` run from cron. In a release, a neighbourhood's figures change only
when at least ``RELEASE_MIN_CHANGES`` (5) of its answers arrived or were deleted since they last
changed; otherwise they wait for a later release. So a difference between two releases always
mixes several residents, and on top of that every figure carries the cell-key perturbation
(perturbation.py), so that even someone who adds answers of their own around a resident's cannot
tell that resident's answers for certain.

A release also stores what waited sealed (responses/sealing.py): door-to-door interviews, once at
least five of a neighbourhood are waiting, in a random order under the release's day; and
volunteers' contact details, after which the round's contacts are written again in a random order.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import defaultdict
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, exists, func, insert, select, update

from ..extensions import db
from ..keys import app_key
from ..locking import reserve_writer
from ..responses.models import Answer, Channel, Response, SealedItem, VolunteerContact
from ..responses.sealing import CONTACT, INTERVIEW, unseal
from ..responses.services import store_response
from ..surveys.models import SurveyRound, SurveyVersion
from .models import PublishedCell, Release, ReleaseArea, Tally
from .publish import publish_round
from .suppression import MIN_COUNT
from .tables import ALL, survey_questions
from .tally import DIMS, recount

DOOR_BATCH = MIN_COUNT  # door interviews of a neighbourhood stored together: never fewer doors than this


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam"))


def last_moment(now: dt.datetime | None = None) -> dt.datetime:
    """The most recent release moment (``RELEASE_HOUR`` local time) at or before ``now`` (UTC)."""
    now = now or _utcnow()
    local = now.replace(tzinfo=dt.UTC).astimezone(_zone())
    moment = local.replace(hour=current_app.config["RELEASE_HOUR"], minute=0, second=0, microsecond=0)
    if moment > local:
        moment -= dt.timedelta(days=1)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def next_moment(now: dt.datetime | None = None) -> dt.datetime:
    """The next release moment after ``now`` (UTC, naive)."""
    moment = last_moment(now).replace(tzinfo=dt.UTC).astimezone(_zone()) + dt.timedelta(days=1)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def current_release(round_id: int) -> Release | None:
    return db.session.scalar(select(Release).where(Release.round_id == round_id).order_by(Release.number.desc()).limit(1))


def ensure_released(survey_round: SurveyRound, now: dt.datetime | None = None) -> Release:
    """The round's current release; one that is due is made (cheap when none is due).

    A round's first release is made at once. A later one that falls due while someone reads is
    made in a thread of its own (working out the figures of a large round takes a while), and
    the reader sees the current release meanwhile; ``flask dashboards release`` from cron at
    RELEASE_HOUR makes them before anyone reads.
    """
    latest = current_release(survey_round.id)
    if latest is not None and (latest.final or latest.made_at >= last_moment(now)):
        return latest
    if latest is not None and current_app.config["RELEASE_IN_BACKGROUND"]:
        _release_in_background(current_app._get_current_object(), survey_round.id)
        return latest
    return make_release(survey_round, now)


_BUSY: set[int] = set()  # rounds whose release a thread of this process is making
_BUSY_LOCK = threading.Lock()


def _release_in_background(app, round_id: int) -> None:
    with _BUSY_LOCK:
        if round_id in _BUSY:
            return
        _BUSY.add(round_id)

    def run():
        try:
            with app.app_context():
                try:
                    make_release(db.session.get(SurveyRound, round_id))
                    db.session.commit()
                except Exception:  # noqa: BLE001  (the next reader or cron tries again)
                    db.session.rollback()
                    app.logger.exception("the release of round %s failed", round_id)
                finally:
                    db.session.remove()
        finally:
            with _BUSY_LOCK:
                _BUSY.discard(round_id)

    threading.Thread(target=run, name=f"release-{round_id}", daemon=True).start()


def make_release(survey_round: SurveyRound, now: dt.datetime | None = None, *, force: bool = False,
                 everything: bool = False) -> Release:
    """Make a release of ``survey_round`` (if still due once the lock is held, or when forced).

    :param everything: release and recount every neighbourhood, however little changed: after a
        bulk load or removal of demo data, which are not residents' answers arriving one by one.

    Flushes, never commits: the caller commits, so that a failed release leaves nothing half.
    """
    now = now or _utcnow()
    reserve_writer(select(SurveyRound.id).where(SurveyRound.id == survey_round.id))
    latest = current_release(survey_round.id)
    if latest is not None and latest.final:
        return latest  # the responses behind it are gone (retention): its figures stay as they are
    if not force and latest is not None and latest.made_at >= last_moment(now):
        return latest  # another request made it while this one waited for the lock
    today = now.replace(tzinfo=dt.UTC).astimezone(_zone()).date()
    flush_sealed(survey_round, today)
    release = Release(round_id=survey_round.id, number=(latest.number + 1) if latest else 1, made_at=now)
    db.session.add(release)
    db.session.flush()
    changed = _areas_to_change(survey_round.id)
    if everything:
        changed = sorted(area.id for area in survey_round.areas)
    if changed:
        db.session.execute(update(Response).where(
            Response.round_id == survey_round.id, Response.area_id.in_(changed), Response.release_id.is_(None),
            Response.is_test.is_(False),  # test mode's answers are never counted
        ).values(release_id=release.id))
        db.session.execute(delete(ReleaseArea).where(ReleaseArea.round_id == survey_round.id, ReleaseArea.area_id.in_(changed)))
        recount(survey_round.id, changed)
    release.areas_changed = len(changed)
    release.includes_demo = bool(db.session.scalar(select(exists().where(
        Response.round_id == survey_round.id, Response.release_id.is_not(None), Response.is_demo.is_(True)))))
    _publish(survey_round)
    db.session.flush()
    return release


def _areas_to_change(round_id: int) -> list[int]:
    """Neighbourhoods with at least RELEASE_MIN_CHANGES answers added or deleted since they last changed."""
    changes: dict[int, int] = defaultdict(int)
    for area_id, count in db.session.execute(
        select(Response.area_id, func.count())
        .where(Response.round_id == round_id, Response.release_id.is_(None), Response.is_test.is_(False))
        .group_by(Response.area_id)
    ):
        changes[area_id] += count
    for area_id, withdrawn in db.session.execute(
        select(ReleaseArea.area_id, ReleaseArea.withdrawn).where(ReleaseArea.round_id == round_id)
    ):
        changes[area_id] += withdrawn
    least = max(1, current_app.config["RELEASE_MIN_CHANGES"])
    return sorted(area_id for area_id, count in changes.items() if count >= least)


def note_withdrawn(round_id: int, area_id: int) -> None:
    """A released response was deleted by its resident: it leaves the figures at the area's next change."""
    row = db.session.get(ReleaseArea, (round_id, area_id))
    if row is None:
        db.session.add(ReleaseArea(round_id=round_id, area_id=area_id, withdrawn=1))
    else:
        row.withdrawn += 1
    db.session.flush()


# --- what waited sealed ----------------------------------------------------------------------------

def flush_sealed(survey_round: SurveyRound, today: dt.date, minimum: int = DOOR_BATCH) -> None:
    """Store the sealed contacts, and the sealed door interviews of neighbourhoods with enough.

    :param minimum: interviews of a neighbourhood stored together at least (tests lower it).
    """
    rng = random.SystemRandom()
    sealed = db.session.scalars(select(SealedItem).where(SealedItem.round_id == survey_round.id)).all()
    contacts = [item for item in sealed if item.kind == CONTACT]
    if contacts:
        for item in contacts:
            content = unseal(item.payload)
            db.session.add(VolunteerContact(
                round_id=item.round_id, area_id=item.area_id, receipt_hash=item.receipt_hash,
                name=content.get("name"), email=content.get("email"), phone=content.get("phone"),
                roles=content.get("roles"), talent=content.get("talent"), language=content["language"]))
            db.session.delete(item)
        db.session.flush()
        _rewrite_contacts(survey_round.id, {item.area_id for item in contacts}, rng)
    by_area: dict[int, list[SealedItem]] = defaultdict(list)
    for item in sealed:
        if item.kind == INTERVIEW:
            by_area[item.area_id].append(item)
    late = today > survey_round.closes_on + dt.timedelta(days=current_app.config["SYNC_GRACE_DAYS"])
    for area_id, items in by_area.items():
        if len(items) >= minimum:
            _store_interviews(survey_round, items, today, rng)
        elif late:
            # No more interviews can come: store the last few together with the previous batch
            # of this neighbourhood, written again, so that they too stand among five or more.
            _store_interviews(survey_round, items, today, rng, with_previous_batch=True)


def _rewrite_contacts(round_id: int, area_ids: set[int], rng: random.Random) -> None:
    """Write a round's contacts of some neighbourhoods again, in a random order (the physical order
    of rows in PostgreSQL follows their writing)."""
    columns = [c.name for c in VolunteerContact.__table__.columns]
    condition = (VolunteerContact.round_id == round_id) & VolunteerContact.area_id.in_(area_ids)
    rows = [dict(row._mapping) for row in db.session.execute(select(*VolunteerContact.__table__.columns).where(condition))]
    rng.shuffle(rows)
    db.session.execute(delete(VolunteerContact).where(condition))
    if rows:
        db.session.execute(insert(VolunteerContact), [{c: row[c] for c in columns} for row in rows])
    db.session.expire_all()


def _store_interviews(survey_round, items: list[SealedItem], today: dt.date, rng: random.Random,
                      with_previous_batch: bool = False) -> None:
    """Store sealed interviews of one neighbourhood as responses, in a random order, all under ``today``."""
    from ..areas.models import Area

    area = db.session.get(Area, items[0].area_id)
    entries = [("sealed", item) for item in items]
    if with_previous_batch:
        entries += [("stored", response) for response in _last_door_batch(survey_round.id, area.id)]
    rng.shuffle(entries)
    for kind, entry in entries:
        if kind == "sealed":
            content = unseal(entry.payload)
            store_response(survey_round, area, content["answers"], channel=Channel.DOOR, language=content["language"],
                           response_uuid=entry.uuid, day=today, version=db.session.get(SurveyVersion, content["version"]),
                           hashed_receipt=entry.receipt_hash)
            db.session.delete(entry)
        else:
            _write_again(entry, today)
    db.session.flush()


def _last_door_batch(round_id: int, area_id: int) -> list[Response]:
    """The door interviews of a neighbourhood stored on the last day any were."""
    last_day = db.session.scalar(select(func.max(Response.day)).where(
        Response.round_id == round_id, Response.area_id == area_id, Response.channel == Channel.DOOR))
    if last_day is None:
        return []
    return list(db.session.scalars(select(Response).where(
        Response.round_id == round_id, Response.area_id == area_id, Response.channel == Channel.DOOR, Response.day == last_day)))


def _write_again(response: Response, day: dt.date) -> None:
    """Delete a response and write it again (a new id, the same everything else)."""
    fields = {c.name: getattr(response, c.name) for c in Response.__table__.columns if c.name != "id"}
    answers = [{c.name: getattr(a, c.name) for c in Answer.__table__.columns if c.name not in ("id", "response_id")}
               for a in response.answers]
    db.session.delete(response)
    db.session.flush()
    again = Response(**{**fields, "day": day})
    db.session.add(again)
    db.session.flush()
    if answers:
        db.session.execute(insert(Answer), [{**a, "response_id": again.id} for a in answers])


# --- publishing ----------------------------------------------------------------------------------

def _publish(survey_round: SurveyRound) -> None:
    """Work out every published figure of the round from its tally and store them."""
    from .queries import round_tree

    areas = round_tree(survey_round)
    parents = {k: (a.parent.key if a.parent is not None and a.parent.key in areas else None) for k, a in areas.items()}
    keys = {a.id: k for k, a in areas.items()}
    ids = {k: a.id for k, a in areas.items()}
    leaves: dict[str, dict] = {dim: {} for dim in ("all", *DIMS)}
    for dim, area_id, value, question, option, rank, n, key_sum in db.session.execute(
        select(Tally.dim, Tally.area_id, Tally.value, Tally.question, Tally.option, Tally.rank, Tally.n, Tally.key_sum)
        .where(Tally.round_id == survey_round.id)
    ):
        if area_id in keys:
            leaves[dim][(keys[area_id], ALL if dim == "all" else value, (question, option, rank))] = (n, int(key_sum))
    definition = survey_round.definition
    secret = app_key("cell-key") if current_app.config["CELL_KEY_PERTURBATION"] else None
    published = publish_round(parents, leaves, list(survey_questions(definition)), definition, secret)
    db.session.execute(delete(PublishedCell).where(PublishedCell.round_id == survey_round.id))
    rows = []
    for dim, (values, statuses) in published.items():
        for (area, column, (question, option, rank)), status in statuses.items():
            if dim != "all" and column == ALL:
                continue  # the unfiltered figures are stored once, under "all"
            rows.append({"round_id": survey_round.id, "dim": dim, "area_id": ids[area], "value": "" if column == ALL else column,
                         "question": question, "option": option, "rank": rank,
                         "shown": values.get((area, column, (question, option, rank)), 0), "status": status.value})
    if rows:
        db.session.execute(insert(PublishedCell), rows)
