"""The resident-facing sentence for each problem code a question type can report."""

from ..i18n_lazy import _
from ..main import survey_text


def problem_message(problem) -> str:
    """Translate an ``Invalid`` from the question types into the current language."""
    messages = {
        "required": _("Please answer this question."),
        "unknown_option": _("This choice is not one of the options. Please choose again."),
        "one_only": _("Please choose one answer."),
        "exclusive": _("This answer cannot be combined with the others you chose."),
        "too_many": _("Please choose at most %(max)s.", max=problem.params.get("max")),
        "duplicate_rank": _("Please choose a different activity for each place."),
        "too_long": _("This text is too long: at most %(max)s characters.", max=problem.params.get("max")),
        "not_a_number": _("Please enter a whole number."),
        "out_of_range": _(
            "Please enter a number from %(min)s to %(max)s.", min=problem.params.get("min"), max=problem.params.get("max")
        ),
        "invalid_email": _("This does not look like an email address (for example: name@example.nl)."),
        "invalid_phone": _("This does not look like a phone number (for example: 06 12345678)."),
        "contact_needed": _("To be contacted, please leave an email address or a phone number."),
        "age_needed": _("Please say whether you are %(age)s or older.", age=problem.params.get("age")),
    }
    return messages.get(problem.code, _("Please check this answer."))


def question_problem_message(definition, key: str, problem) -> str:
    """As :func:`problem_message`; a missing answer gets the survey's own words where it has them."""
    own = definition.question(key).required_message if problem.code == "required" else None
    return survey_text(definition, own) if own else problem_message(problem)
