"""Read a walk list CSV: one door per line (pure).

Columns (a header line names them, in any order): ``street``, ``house_number``, ``addition``,
``postcode``, ``neighbourhood`` (the area key, such as ``wyckerpoort``). Commas, semicolons (as
Dutch spreadsheets write) and tabs all work as separators. Every problem is reported with its line;
a file with any problem is not imported at all.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

COLUMNS = ("street", "house_number", "addition", "postcode", "neighbourhood")
REQUIRED = ("street", "house_number", "postcode", "neighbourhood")
# A header may say "house number" or "House-Number": compared without case, spaces and dashes.
ALIASES = {"housenumber": "house_number", "number": "house_number", "huisnummer": "house_number",
           "toevoeging": "addition", "straat": "street", "buurt": "neighbourhood"}
POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
ADDITION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z \-]{0,9}$")
MAX_LINES = 100_000


@dataclass(frozen=True)
class DoorLine:
    line: int
    street: str
    house_number: int
    addition: str
    postcode: str
    neighbourhood: str

    @property
    def address_key(self) -> tuple[str, int, str]:
        return self.postcode, self.house_number, self.addition


class WalkListError(ValueError):
    """A walk list that cannot be imported; ``problems`` holds one line per problem."""

    def __init__(self, source: str, problems: list[str]):
        self.source, self.problems = source, problems
        shown = problems[:25]
        more = [f"… and {len(problems) - len(shown)} more"] if len(problems) > len(shown) else []
        super().__init__(f"{source}: nothing imported, {len(problems)} problem(s):\n" +
                         "\n".join(f"  - {p}" for p in shown + more))


def read_walk_list(raw: bytes, source: str, known_neighbourhoods: set[str]) -> list[DoorLine]:
    """Parse and check a walk list file.

    :param known_neighbourhoods: the keys of the neighbourhoods doors may belong to.
    :raise WalkListError: listing every problem, each with its line number.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WalkListError(source, [f"the file is not UTF-8 text (byte {error.start}); save it as CSV UTF-8"]) from None
    if not text.strip():
        raise WalkListError(source, ["the file is empty"])
    header_line = text.splitlines()[0]
    delimiter = max(",;\t", key=header_line.count)
    reader = _rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), source)
    header = [_column_name(name) for name in next(reader)]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        problems = [f"line 1: missing column {name!r}" for name in missing]
        problems += [f"line 1: unknown column {name!r} (known: {', '.join(COLUMNS)})" for name in unknown]
        if len(set(header)) != len(header):
            problems.append("line 1: a column is named twice")
        raise WalkListError(source, problems)

    doors, problems, seen = [], [], {}
    for line, row in enumerate(reader, start=2):
        if line > MAX_LINES:
            problems.append(f"more than {MAX_LINES - 1} doors: split the file")
            break
        if not any(cell.strip() for cell in row):
            continue  # blank lines, as spreadsheets leave at the end
        if len(row) != len(header):
            problems.append(f"line {line}: {len(row)} fields, the header has {len(header)}")
            continue
        door, row_problems = _door(line, dict(zip(header, (cell.strip() for cell in row))), known_neighbourhoods)
        problems += row_problems
        if door is None:
            continue
        if door.address_key in seen:
            problems.append(f"line {line}: the same door as line {seen[door.address_key]} "
                            f"({door.postcode} {door.house_number}{(' ' + door.addition) if door.addition else ''})")
            continue
        seen[door.address_key] = line
        doors.append(door)
    if problems:
        raise WalkListError(source, problems)
    if not doors:
        raise WalkListError(source, ["the file holds no doors"])
    return doors


def _rows(reader, source: str):
    """The reader's rows; a line the csv module cannot read (a field over its 128 KB limit, a NUL)
    becomes a WalkListError that names the line."""
    try:
        yield from reader
    except csv.Error as error:
        raise WalkListError(source, [f"line {reader.line_num}: {error}"]) from None


def _column_name(name: str) -> str:
    cleaned = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return ALIASES.get(cleaned.replace("_", ""), cleaned)


def _door(line: int, row: dict[str, str], known: set[str]) -> tuple[DoorLine | None, list[str]]:
    problems = []
    street = row["street"]
    # A letter or digit, so that a name such as ".." cannot make its street's link point elsewhere.
    if (not street or len(street) > 120 or "/" in street or not street.isprintable()
            or not any(ch.isalnum() for ch in street)):
        problems.append(f"line {line}: street {street!r} must be 1 to 120 characters with a letter or digit, without '/'")
    number = row["house_number"]
    if not re.fullmatch(r"[0-9]{1,5}", number) or int(number) == 0:
        problems.append(f"line {line}: house number {number!r} must be a whole number such as 12 "
                        "(put letters such as 'A' or 'bis' in the column addition)")
    addition = " ".join(row.get("addition", "").split()).upper()
    if addition and not ADDITION.match(addition):
        problems.append(f"line {line}: addition {row.get('addition')!r} must be at most 10 letters, digits, spaces or dashes")
    postcode = "".join(row["postcode"].split()).upper()
    if not POSTCODE.match(postcode):
        problems.append(f"line {line}: postcode {row['postcode']!r} must be a Dutch postcode such as 6221 AB")
    neighbourhood = row["neighbourhood"].strip().lower()
    if neighbourhood not in known:
        problems.append(f"line {line}: unknown neighbourhood {row['neighbourhood']!r} (use its key, such as 'wyckerpoort')")
    if problems:
        return None, problems
    return DoorLine(line, street, int(number), addition, postcode, neighbourhood), []
