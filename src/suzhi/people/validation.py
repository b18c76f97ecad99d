"""Normalising and checking what people type into rosters: names, ID numbers, phones, dates.

Every function returns the clean value or raises `InvalidValue` with a Chinese-ready message; the
import reports it with the row and column, the forms next to the field.
"""

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from stdnum.cn import ric

from suzhi.core.phones import is_mobile, normalise_mobile

EXCEL_EPOCH = datetime.date(1899, 12, 30)
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class InvalidValue(ValueError):
    """A value that cannot be accepted; the message says why in words a clerk understands."""


_normalize = unicodedata.normalize


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation (ＡＢＣ１２３) to their ordinary forms."""
    return _normalize("NFKC", text)


def clean_text(value: Any) -> str:
    """Trimmed text with runs of spaces (including full-width ones) collapsed."""
    if value.__class__ is not str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    # split() breaks on exactly the characters the regex \s matches (str.isspace), so joining the parts
    # is the same as collapsing runs and trimming, in one C call; this runs once per imported cell.
    return " ".join(_normalize("NFKC", value).split())


def clean_name(value: Any) -> str:
    """A Chinese name keeps no inner spaces (张 三 -> 张三); a Latin one keeps single spaces."""
    text = clean_text(value)
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        text = text.replace(" ", "")
    return text


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    gender: str  # "M" or "F"


def clean_id_number(value: Any) -> str:
    """Spaces out, full-width to half-width, a lowercase x to X; Excel's lost digits detected."""
    if isinstance(value, float):
        if not value.is_integer() or value >= 1e15:
            raise InvalidValue(
                _("The ID number was turned into a number by Excel and lost its last digits; "
                  "format the column as text and type it again.")
            )
        value = int(value)
    if value.__class__ is str and value.isdigit() and value.isascii():
        return value  # already clean, as nearly every cell of a roster is
    text = clean_text(value).replace(" ", "")
    if _SCIENTIFIC.match(text):
        raise InvalidValue(
            _("The ID number is in scientific notation (%(value)s): Excel has lost its last digits; "
              "format the column as text and type it again.") % {"value": text}
        )
    return text.upper()


_RESIDENT_FORMAT = re.compile(r"^\d{17}[\dX]$")


@functools.lru_cache(maxsize=8192)
def region_periods(region: str) -> tuple[tuple[int | None, int | None], ...]:
    """The years a six-digit region code was in force, from python-stdnum's GB/T 2260 table: one
    (first year, last year) pair per name the code has had, either end None when the table gives none
    (in force from the start of the table, or still in force). Empty when the table does not know the
    code as a county, city or province; a bare prefix of a known province is not a region."""
    from stdnum import numdb

    names = ""
    for _part, props in numdb.get("cn/loc").info(region):
        names = props.get("county", names)
    periods = []
    for name in filter(None, names.split(",")):
        if not name.startswith("["):
            periods.append((None, None))
            continue
        start, end = name[1:name.index("]")].split("-")
        periods.append((int(start) if start else None, int(end) if end else None))
    return tuple(periods)


@functools.lru_cache(maxsize=16384)
def region_fault(region: str, birth_year: int, this_year: int) -> tuple[str, int]:
    """Why a region code cannot head the number of someone born in `birth_year`: ("", 0) when it can,
    ("unknown", 0) when the table does not know the code, ("abolished", last year in force) when it
    was abolished before the birth, ("later", first year in force) when it comes into force after
    `this_year`.

    A number keeps the code in force where and when it was issued, which may be years after the birth
    (someone born in Dunhuang in 1975 whose number was issued in 1990 has 622103, in force 1987-2002).
    So a code is accepted when it was in force at any time from the birth year until this year. Cached:
    a roster of 100,000 people has a few hundred distinct (region, year) pairs."""
    periods = region_periods(region)
    if not periods:
        return "unknown", 0
    if any((start is None or start <= this_year) and (end is None or end >= birth_year) for start, end in periods):
        return "", 0
    ends = [end for _start, end in periods if end is not None and end < birth_year]
    if ends:
        return "abolished", max(ends)
    return "later", min(start for start, _end in periods if start is not None)


@functools.lru_cache(maxsize=65536)
def _id_birth_date(digits: str) -> datetime.date:
    """The YYYYMMDD of an ID number as a date, cached: a roster's people were born on a few thousand days."""
    return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def check_resident_id(number: str, *, today: datetime.date | None = None) -> ResidentId:
    """GB 11643 checks (python-stdnum cn.ric): length, format, check digit, birth date and a region
    code in force at some time from the birth year until today (see `region_fault`; stdnum's own
    `ric.validate` wants the code of the birth year, which refuses real numbers issued later). In an
    order that costs little per row and says precisely what is wrong. An import checking many numbers
    passes `today` once rather than reading the clock for each."""
    if len(number) != 18:
        raise InvalidValue(_("A resident ID number has 18 characters; this one has %(n)d.") % {"n": len(number)})
    if not _RESIDENT_FORMAT.match(number):
        raise InvalidValue(_("A resident ID number has 17 digits followed by a digit or X."))
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidValue(_("The check digit is wrong; please check the number."))
    try:
        birth = _id_birth_date(number[6:14])
    except ValueError as exc:
        raise InvalidValue(_("The date of birth in the ID number does not exist.")) from exc
    today = today or datetime.date.today()
    if birth > today:
        raise InvalidValue(_("The date of birth in the ID number is in the future."))
    fault, year = region_fault(number[:6], birth.year, today.year)
    if fault:
        code = number[:6]
        if fault == "unknown":
            message = _("The region code %(code)s at the start of the ID number is not a region code.")
        elif fault == "abolished":
            message = _("The region code %(code)s at the start of the ID number was abolished in %(year)d, "
                        "before the birth year %(birth)d.")
        else:
            message = _("The region code %(code)s at the start of the ID number only came into force in %(year)d.")
        raise InvalidValue(message % {"code": code, "year": year, "birth": birth.year})
    gender = "M" if int(number[16]) % 2 else "F"
    return ResidentId(number=number, birth_date=birth, gender=gender)


def dunhuang_region(on: datetime.date) -> str:
    """Dunhuang's region code as it stood in a year (敦煌县 → 酒泉地区敦煌市 → 酒泉市敦煌市): of the birth for
    a number issued at birth, of the issue for one issued later."""
    if on.year >= 2002:
        return "620982"
    return "622103" if on.year >= 1987 else "622122"


def clean_phone(value: Any) -> str:
    """A mainland mobile number: 11 digits from 13x to 19x, by the rules of `suzhi.core.phones`."""
    if (value.__class__ is str and len(value) == 11 and value.isdigit() and value.isascii()
            and value[0] == "1" and value[1] in "3456789"):
        return value  # already clean, as nearly every cell of a roster is
    text = clean_text(value)
    if not text:
        return ""
    digits = normalise_mobile(text)
    if not is_mobile(digits):
        raise InvalidValue(
            _("“%(value)s” is not a mainland mobile number (11 digits starting 13–19).") % {"value": text}
        )
    return digits


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def clean_date(value: Any) -> datetime.date | None:
    """A date from a date cell, an Excel serial number, 2024/4/10, 2024-04-10, 2024.4.10, 20240410 or
    2024年4月10日. Blank is None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100000:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise InvalidValue(_("“%(value)s” is not a date.") % {"value": value})
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    if text.isdigit() and len(text) <= 5:
        return EXCEL_EPOCH + datetime.timedelta(days=int(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError as exc:
                raise InvalidValue(_("“%(value)s” is not a real date.") % {"value": text}) from exc
    raise InvalidValue(
        _("“%(value)s” is not a date; write it like 2024-04-10 or 2024年4月10日.") % {"value": text}
    )


_TRUE = {"是", "y", "yes", "true", "1", "会员", "√", "✓", "t"}
_FALSE = {"否", "n", "no", "false", "0", "非会员", "×", "f", ""}


def clean_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidValue(_("“%(value)s” is neither 是 nor 否.") % {"value": text})


_GENDERS = {"男": "M", "m": "M", "male": "M", "女": "F", "f": "F", "female": "F"}


def clean_gender(value: Any) -> str:
    text = clean_text(value).lower()
    if not text:
        return ""
    if text in _GENDERS:
        return _GENDERS[text]
    raise InvalidValue(_("“%(value)s” is not a gender; write 男 or 女.") % {"value": text})
