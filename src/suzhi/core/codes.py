"""Codes people read off paper and type back (activation codes, certificate numbers)."""


def normalise_code(raw: str | None) -> str:
    """What people type from paper: lower case, spaces and dashes (ABCD-EFGH-JK) are all accepted."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """ABCD-EFGH-JK: groups of four, easier to read off paper."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
