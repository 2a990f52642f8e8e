"""Words of the door-to-door pages and the sync API, translated when they are shown."""

from __future__ import annotations

from babel import Locale
from babel.dates import format_datetime
from flask_babel import get_locale

from ..definitions.types import Invalid
from ..i18n_lazy import _, _l
from ..responses.messages import problem_message
from .outcomes import VisitOutcome

OUTCOME_LABELS = {
    VisitOutcome.INTERVIEWED: _l("Interviewed"),
    VisitOutcome.NOT_HOME: _l("Not at home"),
    VisitOutcome.REFUSED: _l("Did not want to take part"),
    # i18n: the resident asked the canvasser to come back at another time
    VisitOutcome.COME_BACK: _l("Come back later"),
    VisitOutcome.FLYER_LEFT: _l("Flyer left"),
    # i18n: the canvasser and the resident had no language in common
    VisitOutcome.LANGUAGE_BARRIER: _l("Language barrier"),
}

# Languages canvassers in Maastricht most often meet at the door, as ISO 639 codes.
BARRIER_LANGUAGES = ("ar", "tr", "pl", "uk", "ru", "ti", "so", "fa", "ku", "zh", "ro", "bg", "es", "pt", "fr", "de", "en")


def language_name(code: str | None) -> str:
    """A language code in words, in the current language; free text is returned as it is."""
    if not code:
        return ""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, TypeError):
        return code


def wall_clock(moment) -> str:
    """A time a resident named (``come back Tuesday 18:30``), shown as named: no time zone shift."""
    return format_datetime(moment, "short", locale=get_locale())


def barrier_languages() -> list[tuple[str, str]]:
    return sorted(((code, language_name(code)) for code in BARRIER_LANGUAGES), key=lambda pair: pair[1].lower())


def reason_message(code: str, params: dict, definition=None, lang: str | None = None) -> str:
    """Why an item was refused, for the canvasser who sees it on their device."""
    if code == "invalid_answers":
        question = params.get("question")
        text = definition.text(definition.question(question).text, lang) if definition and question else question
        problem = params.get("problem") or Invalid("invalid")
        return _("An answer is not valid (%(question)s): %(problem)s", question=text, problem=problem_message(problem))
    if code == "wrong_version":
        return _("This interview was made with version %(sent)s of the survey, which the server does not know. "
                 "Ask the municipality what to do with it; it stays on this device.", sent=params.get("sent"))
    if code == "round_closed":
        return _("This survey round closed more than %(days)s days ago: interviews and visits can no longer be "
                 "sent. Ask the municipality what to do with it; it stays on this device.", days=params.get("days"))
    if code == "malformed":
        return _("This item is incomplete or damaged (%(field)s).", field=params.get("field") or "?")
    messages = {
        "bad_uuid": _("This item has no valid identifier."),
        "unknown_type": _("This kind of item is unknown to the server."),
        "unknown_round": _("This survey round does not exist."),
        "area_not_in_round": _("This neighbourhood is not part of this survey round."),
        "area_not_allowed": _("Your account may not record visits or interviews in this neighbourhood."),
        "language_not_offered": _("This survey round is not offered in the language of this interview."),
        "outside_round": _("The date of this interview lies outside the survey round."),
        "unknown_door": _("This address is no longer on the walk list."),
        "conflict": _("An item with the same identifier but other content was stored earlier; the first one is "
                      "kept. Please tell the municipality."),
        "interview_not_stored": _("The interview at this door was not stored, so this visit is not stored "
                                  "either. Send them again together."),
    }
    return messages.get(code, _("The server did not accept this item."))


def batch_message(code: str, **params) -> str:
    messages = {
        "malformed_batch": _("The server could not read what was sent."),
        "batch_too_large": _("Too many items at once: at most %(max)s per request.", max=params.get("max")),
        "unauthorized": _("Please sign in again to send what is waiting; it stays on this device until then."),
        "forbidden": _("Your account may not send interviews or visits."),
        "csrf_failed": _("The page had expired. Please reload it and send again; nothing was lost."),
        "busy": _("The server is busy. Everything stays on this device and is sent again shortly."),
    }
    return messages[code]


def client_texts() -> dict[str, str]:
    """Texts the canvasser pages' scripts show; placeholders in braces are filled in by the script."""
    return {
        "online": _("Online"),
        "offline": _("Offline: everything is kept on this device"),
        "never": _("never"),
        "sending": _("Sending…"),
        "sent": _("Sent: %(stored)s stored, %(duplicate)s were there already, %(rejected)s not accepted.",
                  stored="{stored}", duplicate="{duplicate}", rejected="{rejected}"),
        "nothing_waiting": _("Nothing is waiting to be sent."),
        "unreachable": _("The server could not be reached. Everything stays on this device and is sent later."),
        "remove": _("Remove from this device"),
        "remove_confirm": _("Remove this item from the device? The server has not stored it, so it will be lost."),
        "retry": _("Send again"),
        "interview": _("Interview"),
        "visit": _("Visit"),
        "caching": _("Saving these pages for work without a connection…"),
        "cached": _("Ready to work without a connection."),
        "cache_failed": _("These pages could not all be saved for work without a connection. Open them once more while online."),
        "no_offline_support": _("This browser cannot keep the pages for work without a connection."),
        "resume": _("Continue the unfinished interview"),
        "started": _("started %(time)s", time="{time}"),
        "local": _("recorded on this device, waiting to be sent"),
        "saved": _("Saved on this device"),
        "save_failed": _("Could not save on this device!"),
        "pick_outcome": _("Please choose what happened at the door."),
        "need_time": _("Please fill in when to come back."),
        "need_language": _("Please fill in which language the resident speaks."),
        "discard_confirm": _("Throw this interview away? Its answers will be deleted from this device."),
        **_shared_device_texts(),
    }


def _shared_device_texts() -> dict[str, str]:
    """Texts about a tablet that several canvassers use in turn (sign-out, locked queues)."""
    return {
        "not_sent": _("Not yet sent from this device: %(count)s (interviews, visits and unfinished interviews).",
                      count="{count}"),
        "sign_out": _("Sign out"),
        "sign_out_anyway": _("Sign out anyway"),
        "clearing": _("Clearing this device…"),
        "locked_others": _("Locked on this device for another canvasser: %(count)s. They are sent when that person "
                           "signs in on this device again.", count="{count}"),
        "unlocked": _("What you left on this device is back: %(count)s.", count="{count}"),
        "unlock_failed": _("What you left on this device could not be unlocked. It stays locked; please tell the "
                           "municipality."),
    }


def outcome_labels() -> dict[str, str]:
    return {outcome.value: str(label) for outcome, label in OUTCOME_LABELS.items()}


def answer_problem_templates() -> dict[str, str]:
    """The resident-facing problem sentences, with ``{max}`` and ``{min}`` for the script to fill."""
    params = {"max": "{max}", "min": "{min}", "age": "{age}"}
    codes = ("required", "unknown_option", "one_only", "exclusive", "too_many", "duplicate_rank", "too_long",
             "not_a_number", "out_of_range", "invalid_email", "invalid_phone", "contact_needed", "age_needed")
    return {code: problem_message(Invalid(code, params)) for code in codes}
