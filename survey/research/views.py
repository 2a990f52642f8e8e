"""The researchers' export for admins: /<lang>/admin/research/ (every download is logged)."""

from __future__ import annotations

from flask import Response, abort, g, render_template, request
from sqlalchemy import select

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..audit import record
from ..extensions import db
from ..i18n import languages
from ..i18n_lazy import _
from ..main.urls import language_blueprint
from ..surveys.models import SurveyRound
from ..surveys.queries import round_by_key
from . import dataset, service
from .forms import DownloadForm, RoundChoiceForm

bp = language_blueprint("research", __name__, path="/admin/research")
MIMETYPES = {"data_csv": "text/csv; charset=utf-8", "codebook": "text/csv; charset=utf-8", "sav": "application/x-spss-sav"}


def _rounds() -> list[SurveyRound]:
    return list(db.session.scalars(select(SurveyRound).order_by(SurveyRound.opens_on.desc(), SurveyRound.key)))


def _download_form(survey_round: SurveyRound) -> DownloadForm:
    form = DownloadForm()
    names = languages()
    codes = list(survey_round.definition.languages)
    form.language.choices = [(code, names[code].name if code in names else code) for code in codes]
    if not form.is_submitted():
        form.language.data = g.lang if g.lang in codes else survey_round.definition.source_language
    return form


@bp.get("/")
@roles_required(Role.ADMIN)
def export():
    rounds = _rounds()
    if not rounds:
        abort(404)
    choice = RoundChoiceForm(formdata=request.args)
    choice.round.choices = [(r.key, r.title_in(g.lang)) for r in rounds]
    if not request.args.get("round"):
        choice.round.data = rounds[0].key
    elif not choice.validate():
        abort(404)
    survey_round = next(r for r in rounds if r.key == choice.round.data)
    return render_template("admin/research/export.html", choice=choice, survey_round=survey_round,
                           counts=service.counts(survey_round), form=_download_form(survey_round))


@bp.post("/<round_key>/download")
@roles_required(Role.ADMIN)
def download(round_key: str):
    survey_round = round_by_key(round_key) or abort(404)
    form = _download_form(survey_round)
    fmt = form.chosen_format()
    if not form.validate_on_submit() or fmt is None:
        abort(400)
    lang, fallback = form.language.data, survey_round.definition.source_language
    variables = service.export_variables(survey_round)
    name = f"{survey_round.key}-research"
    if fmt == "codebook":
        body, rows = dataset.codebook_csv(variables, list(survey_round.definition.languages), _codebook_headings()), None
        filename = f"{name}-codebook.csv"
    else:
        rows = service.export_rows(survey_round, variables)
        if fmt == "data_csv":
            body, filename = dataset.data_csv(variables, rows, lang, fallback), f"{name}-{lang}.csv"
        else:
            title = f"{survey_round.key}: {survey_round.title_in(lang)}"
            body, filename = dataset.data_sav(variables, rows, lang, fallback, title), f"{name}-{lang}.sav"
    record("export_researchers", survey_round,
           detail=f"{fmt}, labels {lang}" + (f", {len(rows)} responses" if rows is not None else ""))
    db.session.commit()
    return Response(body, mimetype=MIMETYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _codebook_headings() -> dict[str, str]:
    return {"variable": _("Variable"), "question": _("Question"), "type": _("Type"), "storage": _("Stored as"),
            "code": _("Code"), "key": _("Key in the survey file"), "label": _("Label")}
