"""Helpers shared by the `suzhi` subcommands."""

from django.core.management.base import CommandError

from suzhi.core.models import User


def acting_user(username: str | None) -> User:
    """The user a command acts as: the one named, or the first active superuser."""
    if username:
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {username!r}.")
        return actor
    actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if actor is None:
        raise CommandError("No superuser exists; name the acting user with --as USERNAME.")
    return actor
