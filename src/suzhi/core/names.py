"""Names as search keys: pinyin first letters (七里镇工会联合会 -> qlzghlhh), for people and organisations alike."""

from pypinyin import Style, lazy_pinyin


def name_initials(name: str | None, *, max_length: int = 200) -> str:
    """Pinyin first letters of the Chinese characters, latin letters and digits kept, lower case, nothing else
    (spaces and marks such as the · of 阿卜杜·热合曼 go), at most `max_length` characters."""
    letters = "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER))
    return "".join(c for c in letters.lower() if c.isascii() and c.isalnum())[:max_length]
