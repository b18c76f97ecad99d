"""Phone numbers as people type and paste them: one rule set for accounts, rosters and organisations.

- A mainland mobile number is 11 digits starting 13 to 19. It may come with a country prefix (+86, 0086 or 86),
  spaces (full-width ones too), dashes and brackets, and in full-width digits; it is kept as its 11 digits.
- A landline (0937-8812345, 010-12345678-123) is a contact number only: an organisation's telephone may be one,
  a person's or an account's number may not (a roster and a login need a number that takes a text message).
  It keeps its dashes, since they separate the area code and the extension; spaces and a +86/0086 prefix go.

Pure functions: no database, no translation; the callers word their own errors.
"""

import re
import unicodedata
from typing import Any

MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE_RE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(?:-[0-9]{1,6})?")

_SEPARATORS = re.compile(r"[\s\-()]")
_SPACES = re.compile(r"\s")


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a number cell of a spreadsheet: 13800138000.0
    # NFKC turns full-width digits, brackets, dashes and the ideographic space into their ordinary forms.
    return unicodedata.normalize("NFKC", str(raw))


def _without_country(text: str) -> str:
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            return text[len(prefix):]
    if len(text) == 13 and text.startswith("86") and MOBILE_RE.fullmatch(text[2:]):
        return text[2:]
    return text


def normalise_mobile(raw: Any) -> str:
    """The 11 digits of a mobile number as typed or pasted; "" for a blank. Text that is not a mobile number
    comes back without its separators and prefix, for the caller to refuse (see `is_mobile`)."""
    return _without_country(_SEPARATORS.sub("", _text(raw)))


def is_mobile(value: str) -> bool:
    """Whether `value` (already normalised) is a mainland mobile number."""
    return bool(MOBILE_RE.fullmatch(value))


def normalise_phone(raw: Any) -> str:
    """A contact number: a mobile number as its 11 digits, a landline with its dashes kept (0937-8812345)."""
    mobile = normalise_mobile(raw)
    if is_mobile(mobile):
        return mobile
    text = _SPACES.sub("", _text(raw))
    text = _without_country(text)
    return text.removeprefix("-")


def is_phone(value: str) -> bool:
    """Whether `value` (already normalised) is a mobile number or a landline with its area code."""
    return is_mobile(value) or bool(LANDLINE_RE.fullmatch(value))
