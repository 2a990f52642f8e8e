"""The public survey: a form per neighbourhood, the thank-you page and the receipt."""

from __future__ import annotations

import math
import time

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.datastructures import MultiDict

from ..areas.models import AreaKind
from ..areas.queries import area_by_key
from ..extensions import db, limiter
from ..i18n import best_language
from ..i18n_lazy import _
from ..main.urls import language_blueprint
from ..surveys.queries import round_by_key
from . import tickets
from .flow import FormState
from .forms import NextResidentForm, ReceiptForm, SurveyPageForm
from .messages import question_problem_message
from .models import Channel
from .services import delete_by_receipt, find_by_receipt, store_response

bp = language_blueprint("responses", __name__, template_folder="templates")

HONEYPOT = "website"  # a field people never see; bots fill it in


def _round_and_area(round_key: str, area_key: str):
    """The open round and one of its neighbourhoods, or 404."""
    survey_round = round_by_key(round_key)
    area = area_by_key(area_key)
    if survey_round is None or area is None or area.kind is not AreaKind.NEIGHBOURHOOD:
        abort(404)
    if not survey_round.asks_in(area):
        abort(404)
    if not survey_round.is_open():
        abort(410)
    return survey_round, area


@bp.route("/r/<round_key>/<area_key>/", methods=["GET", "POST"])
def survey_form(round_key: str, area_key: str):
    survey_round, area = _round_and_area(round_key, area_key)
    if g.lang not in survey_round.languages:
        # The round does not offer this language: keep the answers, switch to one it does.
        target = best_language(survey_round.languages)
        return redirect(url_for(".survey_form", round_key=round_key, area_key=area_key, lang=target), code=307)

    definition = survey_round.definition
    form = SurveyPageForm()
    if request.method == "GET":
        state = FormState.read(definition, MultiDict(), 0)
        return _render_page(survey_round, area, form, state, 0, show_errors=False, ticket=tickets.issue())

    if request.form.get(HONEYPOT):
        abort(400)
    started = tickets.started_at(request.form.get("ticket"))
    if started is None:
        # Sent already, or a page of someone who used this device before (Back, "send again").
        return render_template("responses/stale.html", survey_round=survey_round, area=area), 409
    ticket = tickets.issue(started)
    last_page = len(definition.sections) - 1
    page = _int_in(request.form.get("page"), 0, last_page)
    action = request.form.get("action", "next")

    if action.startswith("lang:"):
        target = action.removeprefix("lang:")
        if target in survey_round.languages and target != g.lang:
            # 307 makes the browser post the same answers to the page in the other language.
            return redirect(url_for(".survey_form", round_key=round_key, area_key=area_key, lang=target), code=307)
        state = FormState.read(definition, request.form, page)
        return _render_page(survey_round, area, form, state, page, show_errors=False, ticket=ticket)

    if action == "back":
        state = FormState.read(definition, request.form, page)
        return _render_page(survey_round, area, form, state, state.next_page(page, -1), show_errors=False, ticket=ticket)

    state = FormState.read(definition, request.form, page)
    if state.errors:
        return _render_page(survey_round, area, form, state, state.first_error_page, show_errors=True, ticket=ticket), 422
    following = state.next_page(page)
    if action != "submit" or following != page:
        # "Send" on a page whose answers made a later page apply (the volunteer's contact page
        # after "yes, I'll help") shows that page first; with JavaScript the button says so.
        return _render_page(survey_round, area, form, state, following, show_errors=False, ticket=ticket)

    if page != last_page:  # the last page's read above covered every page already
        state = FormState.read(definition, request.form, page, up_to=last_page)
        if state.errors:
            return _render_page(survey_round, area, form, state, state.first_error_page, show_errors=True, ticket=ticket), 422
    if time.time() - started < current_app.config["SUBMISSION_MIN_SECONDS"]:
        abort(400)  # a whole survey in a few seconds: a bot, like a filled-in honeypot
    wait = submission_wait()
    if wait:
        # A limit never throws a finished survey away: the answers stay on the page, to send again.
        page_html = _render_page(survey_round, area, form, state, page, show_errors=False, ticket=ticket,
                                 wait_minutes=max(1, math.ceil(wait / 60)))
        return page_html, 429, {"Retry-After": str(int(wait) + 1)}
    _, code = store_response(survey_round, area, state.stored_answers(), channel=Channel.ONLINE, language=g.lang)
    tickets.next_resident()
    # The code is shown here, once: it is kept nowhere else (not in the session, not on a later
    # page), and a reload or Back cannot bring this page back (the ticket is stale now). The
    # page is made before the commit, which would otherwise expire what it shows.
    page_html = render_template("responses/thanks.html", code=code, survey_round=survey_round, area=area,
                                next_form=NextResidentForm())
    db.session.commit()
    count_submission()
    return page_html


def _int_in(raw, low: int, high: int) -> int:
    try:
        return min(max(int(raw), low), high)
    except (TypeError, ValueError):
        return low


def _render_page(survey_round, area, form, state: FormState, page: int, *, show_errors: bool, ticket: str,
                 wait_minutes: int | None = None):
    definition = survey_round.definition
    errors = ({key: question_problem_message(definition, key, p) for key, p in state.page_errors(page).items()}
              if show_errors else {})
    return render_template(
        "responses/form.html",
        survey_round=survey_round,
        definition=survey_round.definition,
        area=area,
        form=form,
        state=state,
        page=page,
        page_count=len(survey_round.definition.sections),
        questions_on_page=state.visible_questions(page),
        is_last=state.is_last_page(page),
        later_if=state.later_conditions(page),
        errors=errors,
        values=state.form,
        honeypot=HONEYPOT,
        languages_offered=survey_round.languages,
        ticket=ticket,
        wait_minutes=wait_minutes,
    )


def submission_wait() -> float:
    """Seconds until this address may send another survey (0: now), by SUBMISSION_RATE_LIMIT.

    Checked only for a complete, valid survey, and counted only once it is stored: a survey that
    still needs corrections never uses up the limit.
    """
    if not limiter.enabled:
        return 0
    item = parse(current_app.config["SUBMISSION_RATE_LIMIT"])
    if limiter.limiter.test(item, _LIMIT_SCOPE, get_remote_address()):
        return 0
    reset, _remaining = limiter.limiter.get_window_stats(item, _LIMIT_SCOPE, get_remote_address())
    return max(1.0, reset - time.time())


def count_submission() -> None:
    if limiter.enabled:
        limiter.limiter.hit(parse(current_app.config["SUBMISSION_RATE_LIMIT"]), _LIMIT_SCOPE, get_remote_address())


_LIMIT_SCOPE = "survey-submission"


@bp.get("/r/<round_key>/<area_key>/thanks")
def thanks(round_key: str, area_key: str):
    """Where an old link or bookmark lands: the thanks, without any code."""
    survey_round = round_by_key(round_key)
    area = area_by_key(area_key)
    if survey_round is None or area is None:
        abort(404)
    return render_template("responses/thanks.html", code=None, survey_round=survey_round, area=area,
                           next_form=NextResidentForm())


@bp.post("/next-resident")
def next_resident():
    """On a shared device: forget the previous resident and start a fresh survey."""
    form = NextResidentForm()
    if not form.validate_on_submit():
        abort(400)
    tickets.next_resident()
    survey_round, area = round_by_key(form.round_key.data or ""), area_by_key(form.area_key.data or "")
    if survey_round is not None and area is not None and area.kind is AreaKind.NEIGHBOURHOOD and survey_round.asks_in(area):
        return redirect(url_for(".survey_form", round_key=survey_round.key, area_key=area.key))
    return redirect(url_for("lang.landing"))


@bp.route("/receipt", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def receipt():
    """Look up one's own answers with the receipt code (posted, so the code stays out of logs)."""
    form = ReceiptForm()
    found = None
    if form.validate_on_submit():
        if tickets.started_at(form.ticket.data) is None:
            return _stale_receipt(form)
        found = find_by_receipt(form.code.data)
        if found is None:
            form.code.errors.append(_not_found())
    if found is None:
        form.ticket.data = tickets.issue()
        return render_template("responses/receipt.html", form=form), (404 if form.code.errors else 200)
    # Shown once: Back and "send again" on a shared device find a stale ticket, not the answers.
    tickets.next_resident()
    form.ticket.data = tickets.issue()
    return render_template("responses/receipt_answers.html", form=form, found=found, answers=found.answers,
                           contacts=found.contacts, definition=found.definition)


@bp.post("/receipt/delete")
@limiter.limit("20 per minute")
def delete_receipt():
    form = ReceiptForm()
    if not form.validate_on_submit():
        abort(400)
    if tickets.started_at(form.ticket.data) is None:
        return _stale_receipt(form)
    tickets.next_resident()
    if not delete_by_receipt(form.code.data):
        form.code.errors.append(_not_found())
        form.ticket.data = tickets.issue()
        return render_template("responses/receipt.html", form=form), 404
    db.session.commit()
    return render_template("responses/deleted.html")


def _stale_receipt(form):
    """A receipt page sent again from the browser's history: ask for the code afresh."""
    fresh = ReceiptForm(formdata=None)
    fresh.ticket.data = tickets.issue()
    fresh.code.errors = [_("For your privacy, please type your code again.")]
    return render_template("responses/receipt.html", form=fresh), 409


def _not_found() -> str:
    return _("We found no answers with this code. Please check the code and try again.")
