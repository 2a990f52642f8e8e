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
