"""What the web applications check before they serve."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def serving_guard() -> None:
    """A checkout lets commands run without SECRET_KEY (settings.SECRET_KEY_COMMANDS_ONLY); a server never does."""
    if getattr(settings, "SECRET_KEY_COMMANDS_ONLY", False):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
