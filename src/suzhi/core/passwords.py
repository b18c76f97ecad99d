"""Password policy for 等保 2.0 level 2: length and a mix of character classes; generated passwords."""

import secrets
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# No look-alikes (0/O, 1/l/I) and only symbols that are easy to read out over the phone.
_PASSWORD_ALPHABETS = ("abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "#%+=?@")


def generate_password(length: int = 12) -> str:
    """A random password with all four character classes, shown to the administrator once."""
    chars = [secrets.choice(alphabet) for alphabet in _PASSWORD_ALPHABETS]
    pool = "".join(_PASSWORD_ALPHABETS)
    chars += [secrets.choice(pool) for _position in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class ComplexityValidator:
    def __init__(self, min_length: int = 8, min_classes: int = 3) -> None:
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("The password must have at least %(n)d characters.") % {"n": self.min_length},
                code="password_too_short",
            )
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least %(n)d of: lowercase letters, uppercase letters, "
                    "digits and symbols."
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "At least %(length)d characters, mixing at least %(classes)d of: lowercase letters, "
            "uppercase letters, digits and symbols."
        ) % {"length": self.min_length, "classes": self.min_classes}
