"""Masking of personal data (身份证号, phone) for screens, API answers, exports and logs."""

import re

# What someone may type as a login name that is personal data: an ID number (15 or 18 characters, the
# last of 18 possibly X) or a phone number (digits, perhaps with a leading + and separators).
_ID_SHAPE = re.compile(r"\d{15}|\d{17}[\dXx]")
_PHONE_SHAPE = re.compile(r"\+?[\d\s-]{7,20}")


def mask_phone(value: str | None) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_id_number(value: str | None) -> str:
    """110101********1234: region kept, birth date hidden."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:1] + "*" * (len(value) - 1)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_name(name: str | None) -> str:
    """王*五, 王*, 欧**明: the surname and the last character, enough to recognise one's own certificate."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_login(value: str | None) -> str:
    """A login name that matched no account, as the login log keeps it: an ID number or phone masked as on
    every other screen, any other text (a mistyped name, or a password typed in the wrong box) reduced to
    its first and last characters."""
    text = (value or "").strip()
    if _ID_SHAPE.fullmatch(text):
        return mask_id_number(text.upper())
    if _PHONE_SHAPE.fullmatch(text) and sum(ch.isdigit() for ch in text) >= 7:
        return mask_phone("".join(ch for ch in text if ch.isdigit()))
    if len(text) <= 2:
        return "*" * len(text)
    return f"{text[0]}{'*' * min(len(text) - 2, 20)}{text[-1]}"


SENSITIVE_FIELDS = {"phone": mask_phone, "contact_phone": mask_phone, "mobile": mask_phone,
                    "id_number": mask_id_number}
