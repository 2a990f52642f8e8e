"""The audit log for admins: /<lang>/admin/audit/ (filter, pages) and its CSV export."""

from __future__ import annotations

from flask import Response, abort, render_template, request

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..extensions import db
from ..i18n_lazy import _
from ..main.urls import language_blueprint
from ..safe_csv import to_csv
from . import queries, record
from .actions import LABELS, day_only, label_of
from .forms import ExportForm, LogFilterForm

bp = language_blueprint("audit_log", __name__, path="/admin/audit")
PER_PAGE = 50


def _filter_form() -> LogFilterForm:
    form = LogFilterForm(formdata=request.args)
    form.fill_choices(queries.people(), sorted({*queries.actions_in_log(), *LABELS}))
    return form


@bp.get("/")
@roles_required(Role.ADMIN)
def log():
    form = _filter_form()
    page_args = {"form": form, "export_form": ExportForm(), "label_of": label_of, "day_only": day_only,
                 "local_time": queries.local_time, "filter_args": _filter_args()}
    if not form.validate():
        return render_template("admin/audit/log.html", rows=[], total=0, page=1, pages=1, **page_args), 400
    log_filter = form.log_filter()
    total = queries.count(log_filter)
    pages = max(1, -(-total // PER_PAGE))
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= pages:
        abort(404)
    return render_template("admin/audit/log.html", rows=queries.page_of(log_filter, page, PER_PAGE), total=total,
                           page=page, pages=pages, **page_args)


def _filter_args() -> dict[str, str]:
    """The filter of this request, for the links to other pages and the export (nothing else)."""
    return {name: request.args[name] for name in ("person", "action", "since", "until") if request.args.get(name)}


@bp.post("/export.csv")
@roles_required(Role.ADMIN)
def export():
    """The filtered entries as CSV; the export is itself an entry of the log."""
    if not ExportForm().validate_on_submit():
        abort(400)
    form = _filter_form()
    if not form.validate():
        abort(400)
    log_filter = form.log_filter()
    rows = [_csv_row(row) for row in queries.every_entry(log_filter)]
    body = to_csv([[_("When"), _("Person"), _("Action"), _("What it means"), _("Round"), _("Neighbourhood"),
                    _("Detail")], *rows])
    record("export_audit_log", detail=f"{len(rows)} entries; {log_filter.describe()}")
    db.session.commit()
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'})


def _csv_row(row: queries.LogRow) -> list:
    moment = queries.local_time(row.entry.at)
    when = moment.date().isoformat() if day_only(row.entry.action) else moment.isoformat(timespec="seconds")
    return [when, row.email or "", row.entry.action, label_of(row.entry.action), row.round_key or "",
            row.area_name or "", row.entry.detail or ""]

