"""Masking of personal data (身份证号, phone) for screens, API answers, exports and logs."""


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


SENSITIVE_FIELDS = {"phone": mask_phone, "contact_phone": mask_phone, "mobile": mask_phone,
                    "id_number": mask_id_number}
