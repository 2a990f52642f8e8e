"""The public survey: a form per neighbourhood, the thank-you page and the receipt."""

from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict

from ..areas.models import AreaKind
from ..areas.queries import area_by_key
from ..extensions import db, limiter
from ..i18n import best_language
from ..i18n_lazy import _
from ..main.urls import language_blueprint
from ..surveys.queries import round_by_key
from .flow import FormState
from .forms import ReceiptForm, SurveyPageForm
from .messages import question_problem_message
from .models import Channel
from .services import (
    answers_of,
    contacts_by_receipt,
    delete_by_receipt,
    find_by_receipt,
    response_definition,
    store_response,
)

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


def _submitting() -> bool:
    return request.method == "POST" and request.form.get("action") == "submit"


@bp.route("/r/<round_key>/<area_key>/", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SUBMISSION_RATE_LIMIT"], exempt_when=lambda: not _submitting())
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
        return _render_page(survey_round, area, form, state, 0, show_errors=False)

    if request.form.get(HONEYPOT):
        abort(400)
    last_page = len(definition.sections) - 1
    page = _int_in(request.form.get("page"), 0, last_page)
    action = request.form.get("action", "next")

    if action.startswith("lang:"):
        target = action.removeprefix("lang:")
        if target in survey_round.languages and target != g.lang:
            # 307 makes the browser post the same answers to the page in the other language.
            return redirect(url_for(".survey_form", round_key=round_key, area_key=area_key, lang=target), code=307)
        state = FormState.read(definition, request.form, page)
        return _render_page(survey_round, area, form, state, page, show_errors=False)

    if action == "back":
        state = FormState.read(definition, request.form, page)
        return _render_page(survey_round, area, form, state, state.next_page(page, -1), show_errors=False)

    if action == "submit":
        state = FormState.read(definition, request.form, page, up_to=last_page)
        if state.errors:
            error_page = state.first_error_page
            return _render_page(survey_round, area, form, state, error_page, show_errors=True), 422
        _, code = store_response(
            survey_round, area, state.stored_answers(), channel=Channel.ONLINE, language=g.lang
        )
        db.session.commit()
        session["receipt"] = code
        return redirect(url_for(".thanks", round_key=round_key, area_key=area_key))

    state = FormState.read(definition, request.form, page)
    if state.errors:
        return _render_page(survey_round, area, form, state, state.first_error_page, show_errors=True), 422
    return _render_page(survey_round, area, form, state, state.next_page(page), show_errors=False)


def _int_in(raw, low: int, high: int) -> int:
    try:
        return min(max(int(raw), low), high)
    except (TypeError, ValueError):
        return low


def _render_page(survey_round, area, form, state: FormState, page: int, *, show_errors: bool):
    definition = survey_round.definition
    errors = {key: question_problem_message(definition, key, p) for key, p in state.page_errors(page).items()} if show_errors else {}
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
        errors=errors,
        values=state.form,
        honeypot=HONEYPOT,
        languages_offered=survey_round.languages,
    )


@bp.get("/r/<round_key>/<area_key>/thanks")
def thanks(round_key: str, area_key: str):
    survey_round = round_by_key(round_key)
    area = area_by_key(area_key)
    if survey_round is None or area is None:
        abort(404)
    return render_template("responses/thanks.html", code=session.get("receipt"), survey_round=survey_round, area=area)


@bp.route("/receipt", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def receipt():
    """Look up one's own answers with the receipt code (posted, so the code stays out of logs)."""
    form = ReceiptForm()
    response = None
    if form.validate_on_submit():
        response = find_by_receipt(form.code.data)
        if response is None:
            form.code.errors.append(_not_found())
    if response is None:
        return render_template("responses/receipt.html", form=form), (404 if form.code.errors else 200)
    return render_template(
        "responses/receipt_answers.html",
        form=form,
        response=response,
        answers=answers_of(response),
        contacts=contacts_by_receipt(form.code.data),
        definition=response_definition(response),
    )


@bp.post("/receipt/delete")
@limiter.limit("20 per minute")
def delete_receipt():
    form = ReceiptForm()
    if not form.validate_on_submit():
        abort(400)
    if not delete_by_receipt(form.code.data):
        form.code.errors.append(_not_found())
        return render_template("responses/receipt.html", form=form), 404
    db.session.commit()
    return render_template("responses/deleted.html")


def _not_found() -> str:
    return _("We found no answers with this code. Please check the code and try again.")
