"""How this app's question types are written in XLSForm rows (see docs/survey-format.md)."""

from __future__ import annotations

# The neighbourhood question: a choice list from a file, which pyxform accepts and ODK Collect
# shows when the file (columns name, label) is attached to the form. The app fills it itself.
AREA_FILE = "neighbourhoods.csv"
AREA_TYPE = f"select_one_from_file {AREA_FILE}"

YES_NO = ("yes", "no")  # the choice names of a yes/no question, in this order
SCALE_APPEARANCE = "likert"  # a scale: select_one with choices named min…max, numbered in between
LONG_TEXT_APPEARANCE = "multiline"
GRID_APPEARANCE = "table-list"  # a grid: a group of select_multiple rows sharing one choice list
PAGE_APPEARANCE = "field-list"  # a section: one group, shown as one page in ODK Collect too
CONSENT_AGREE = "agree"  # the acknowledge row of a contact group is named <question>_agree
PICK = "pick"  # a column of this app: how many choices a ranking asks for
UNIT = "unit"  # a translatable column of this app: the unit after a number
# A column of this app on a contact group: who may leave details, as
# "question=age_group; min_age=16; below=age_under_14; unsure=age_14_17" (see schema.AgeCheck).
AGE_CHECK = "age_check"


def age_check_text(check) -> str:
    """The age_check column of a contact group."""
    parts = [f"question={check.question}", f"min_age={check.min_age}"]
    parts += [f"{name}={','.join(getattr(check, name))}" for name in ("below", "unsure") if getattr(check, name)]
    return "; ".join(parts)


def age_check_of(text: str) -> dict | None:
    """The age check an age_check column holds, or ``None`` if it cannot be read."""
    found: dict = {}
    for part in filter(None, (piece.strip() for piece in text.split(";"))):
        name, sep, value = (piece.strip() for piece in part.partition("="))
        if not sep or name not in ("question", "min_age", "below", "unsure") or name in found:
            return None
        if name == "min_age":
            if not value.isdigit():
                return None
            found[name] = int(value)
        elif name == "question":
            found[name] = value
        else:
            found[name] = [item.strip() for item in value.split(",") if item.strip()]
    return found if "question" in found else None

# The kind of a contact field, by its appearance: ODK shows a number pad for "numbers".
CONTACT_KINDS = {"email": "email", "numbers": "phone", "phone": "phone", "tel": "phone"}
CONTACT_APPEARANCE = {"name": None, "email": "email", "phone": "numbers"}

# Rows that ask nothing but record the device, the person or the moment: refused, answers stay anonymous.
METADATA_TYPES = {
    "start", "end", "today", "deviceid", "imei", "subscriberid", "simserial", "phonenumber", "username",
    "email", "audit", "start-geopoint", "background-geopoint", "background-audio",
}


def part_name(question: str, part: str) -> str:
    """The row name of a grid row or contact field: ``when_mon``, ``contact_email``."""
    return f"{question}_{part}"


def part_key(question: str, name: str) -> str:
    """The key of a grid row or contact field from its row name (the question's prefix removed)."""
    prefix = f"{question}_"
    return name[len(prefix):] if name.startswith(prefix) and len(name) > len(prefix) else name
