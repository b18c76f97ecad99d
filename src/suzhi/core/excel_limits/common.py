"""What the checks share: the limits (settings), the refusals, and cell references."""


from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import ValidationFailed

CHUNK = 4 << 20


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    rows: int
    columns: int
    cells: int
    unzipped_bytes: int
    ratio: int
    text_bytes: int

    @classmethod
    def current(cls) -> "Limits":
        return cls(
            file_bytes=int(getattr(settings, "SUZHI_UPLOAD_MAX_BYTES", 20 * 2**20)),
            rows=int(getattr(settings, "SUZHI_SHEET_MAX_ROWS", 200_000)),
            columns=int(getattr(settings, "SUZHI_SHEET_MAX_COLUMNS", 200)),
            cells=int(getattr(settings, "SUZHI_SHEET_MAX_CELLS", 4_000_000)),
            unzipped_bytes=int(getattr(settings, "SUZHI_SHEET_MAX_UNZIPPED_BYTES", 400 * 2**20)),
            ratio=int(getattr(settings, "SUZHI_SHEET_MAX_ZIP_RATIO", 200)),
            text_bytes=int(getattr(settings, "SUZHI_SHEET_MAX_TEXT_BYTES", 200 * 2**20)),
        )


def refuse(message: Any, code: str = CoreErrors.FILE_TOO_LARGE) -> ValidationFailed:
    return ValidationFailed(message, code=code)


def damaged(filename: str) -> ValidationFailed:
    return ValidationFailed(
        _("“%(name)s” could not be read as a spreadsheet; it may be damaged.") % {"name": filename},
        code=CoreErrors.NOT_A_SPREADSHEET,
    )


def column_number(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + char - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def not_above(limit: int, digits: str = "0123456789") -> bytes:
    """A regular expression matching the numbers 1..limit written in `digits` (base 10, or base 26 letters
    A..Z, which calamine also reads in lower case), with any leading zeros for base 10."""
    if digits.isdigit():
        text = str(limit)
        parts = [rf"[1-9]\d{{0,{len(text) - 2}}}"] if len(text) > 1 else []
        for i, char in enumerate(text):
            if char > "0" or i > 0:
                low = "1" if i == 0 else "0"
                if char > low:
                    parts.append(text[:i] + f"[{low}-{chr(ord(char) - 1)}]" + r"\d" * (len(text) - i - 1))
        parts.append(text)
        return ("0*(?:" + "|".join(parts) + ")").encode()
    text = _column_letters(limit)
    parts = [f"[A-Za-z]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for i, char in enumerate(text):
        if char > "A":
            below = f"[A-{chr(ord(char) - 1)}a-{chr(ord(char) + 31)}]"
            parts.append("".join(f"[{c}{c.lower()}]" for c in text[:i]) + below + "[A-Za-z]" * (len(text) - i - 1))
    parts.append("".join(f"[{c}{c.lower()}]" for c in text))
    return ("(?:" + "|".join(parts) + ")").encode()


def too_many(rows: int, columns: int, limits: Limits) -> ValidationFailed | None:
    if rows > limits.rows:
        return refuse(_("The sheet has more than %(n)d rows; split it into several files.") % {"n": limits.rows})
    if columns > limits.columns:
        return refuse(_("The sheet has more than %(n)d columns.") % {"n": limits.columns})
    if rows * columns > limits.cells:
        return refuse(
            _("The sheet spans %(rows)d rows by %(columns)d columns, more than %(n)d cells; remove the cells far "
              "from the data or split the file.") % {"rows": rows, "columns": columns, "n": limits.cells}
        )
    return None

