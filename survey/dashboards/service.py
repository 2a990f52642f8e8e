"""What every dashboard output shares: finding the round and area a viewer may see, the summary
in the viewer's language, the interface words for charts and exports, the audit log."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, g
from flask_babel import format_date
from flask_login import current_user

from ..accounts.models import Role
from ..areas.models import Area, AreaKind
from ..areas.queries import area_by_key
from ..i18n import languages
from ..i18n_lazy import _, _l
from ..surveys.queries import round_by_key
from ..audit import record
from .queries import Filter, dimension_values, parse_filter, protected_counts, round_tree
from .releases import next_moment
from .summary import PROFILE_DIMS, build_summary

DIM_NAMES = {"age_group": _l("Age group"), "channel": _l("Channel"), "language": _l("Language"), "period": _l("Month")}


def find_target(round_key: str, area_key: str, *, public: bool = False):
    """The round and an area of it, if the current viewer may see them; 404 (or 403) otherwise.

    :param public: the viewer came through a public page: only rounds with public results.
    """
    if not public and not may_use_dashboards():
        abort(403)
    survey_round = round_by_key(round_key)
    area = area_by_key(area_key)
    if survey_round is None or area is None or area.key not in round_tree(survey_round):
        abort(404)
    if public:
        if not survey_round.results_public:
            abort(404)
        return survey_round, area
    if not current_user.may_see_area(area):
        abort(404)  # another board's neighbourhood: as if it did not exist
    return survey_round, area


def may_use_dashboards() -> bool:
    return current_user.is_authenticated and current_user.role in (Role.ADMIN, Role.BOARD)


def may_see_contacts(area: Area) -> bool:
    """Only the boards of that very neighbourhood, and admins."""
    if not current_user.is_authenticated or area.kind is not AreaKind.NEIGHBOURHOOD:
        return False
    if current_user.is_admin:
        return True
    return current_user.role is Role.BOARD and area.id in current_user.neighbourhood_ids()


def read_filter(raw: str | None, survey_round) -> Filter:
    try:
        return parse_filter(raw, survey_round)
    except ValueError:
        abort(400)


def value_labels(survey_round) -> dict[str, dict[str, str]]:
    """Names of every filter value in the current language."""
    lang = g.get("lang") or "nl"
    definition = survey_round.definition
    age = next((q for q in definition.questions() if q.key == "age_group"), None)
    known = languages()
    names = {
        "channel": {"online": _("Online"), "door": _("Door to door")},
        "language": {code: (known[code].name if code in known else code) for code in survey_round.languages},
        "age_group": {**{o.key: definition.text(o.label, lang) for o in (age.options if age else ())}, "": _("Age not given")},
        "period": {},
    }
    for month in dimension_values(survey_round, "period"):
        names["period"][month] = format_date(dt.date(int(month[:4]), int(month[5:]), 1), "LLLL yyyy")
    return names


def filter_choices(survey_round) -> list[tuple[str, list[tuple[str, str]]]]:
    """The filter select's groups: (dimension name, [(param, value name)])."""
    labels = value_labels(survey_round)
    return [
        (str(DIM_NAMES[dim]), [(f"{dim}:{value}", labels[dim].get(value, value)) for value in dimension_values(survey_round, dim) if value])
        for dim in ("age_group", "channel", "language", "period")
    ]


def dashboard_summary(survey_round, area, view_filter: Filter) -> dict:
    """The numbers of one dashboard, protected, with labels in the current language."""
    lang = g.get("lang") or survey_round.definition.source_language
    tree = round_tree(survey_round)
    city = next((key for key, node in tree.items() if node.parent is None or node.parent.key not in tree), None)
    wanted = sorted({area.key, city} - {None})
    protected = protected_counts(survey_round, view_filter.dim or "all", areas=wanted)
    profiles = None
    if view_filter.dim is None:
        profiles = {dim: protected_counts(survey_round, dim, only_n=True, areas=[area.key]) for dim in PROFILE_DIMS}
    labels = {**value_labels(survey_round), "other": _("Other"), "yes": _("Yes"), "no": _("No")}
    summary = build_summary(protected, survey_round.definition, survey_round, area, view_filter, lang, city, profiles, labels)
    summary["release"] = release_info(protected.release)
    return summary


def release_info(release) -> dict:
    """When the figures were worked out, when they may change next, and whether demo data is in them."""
    moment = next_moment()
    return {"number": release.number, "made_at": release.made_at.replace(tzinfo=dt.UTC).isoformat(timespec="minutes"),
            "next_at": moment.replace(tzinfo=dt.UTC).isoformat(timespec="minutes"), "demo": release.includes_demo,
            "min_changes": current_app.config["RELEASE_MIN_CHANGES"]}


def chart_texts() -> dict[str, str]:
    return {"here": _("Here"), "city": _("Whole city"), "share": _("Share of respondents (%)"),
            "responses": _("Responses")}


def export_headings(summary: dict, rtl: bool) -> dict:
    from .suppression import MIN_COUNT

    return {
        "title": _("%(area)s, survey round %(round)s", area=summary["area"]["name"], round=summary["survey"]),
        "legend": _("<%(min)d: fewer than %(min)d. ×: hidden so that a small number cannot be worked out. –: too few responses in this group.", min=MIN_COUNT),
        "sheet": summary["area"]["name"], "rtl": rtl,
        "section": _("Question"), "item": _("Answer"), "count": _("Respondents"), "percent": _("Share (%)"),
        "city_percent": _("Share in the city (%)"), "base": _("Answered the question"), "responses": _("Responses"),
        "channel": _("Responses by channel"), "language": _("Responses by language"),
        "age_group": _("Responses by age group"), "period": _("Responses by month"),
        "demo": (_("Demo data") + ": " + _("these figures include synthetic responses made for trying out the dashboards. They are not residents' answers."))
        if summary.get("release", {}).get("demo") else None,
    }


def visible_areas(survey_round) -> list[tuple[Area, list[Area]]]:
    """The districts (with the neighbourhoods this viewer may open) of a round, city first."""
    tree = round_tree(survey_round)
    own = None if current_user.is_admin else current_user.neighbourhood_ids()
    districts = sorted((a for a in tree.values() if a.kind is AreaKind.DISTRICT), key=lambda a: a.name)
    return [(d, [h for h in d.children if h.key in tree and (own is None or h.id in own)]) for d in districts]


def audit(action: str, survey_round=None, area=None, detail: str | None = None) -> None:
    record(action, survey_round, area, detail)
