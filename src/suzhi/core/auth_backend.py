from collections.abc import Callable
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from suzhi.core.models import User

# Other ways to name an account at login (the people app adds the ID number of the person it belongs to).
LOGIN_RESOLVERS: list[Callable[[str], User | None]] = []


def resolve_login(login: str) -> User | None:
    """The account a login name means: a username, a mobile phone, or what a resolver recognises."""
    user = User.objects.filter(Q(username=login) | Q(phone=login)).order_by("id").first()
    for resolver in LOGIN_RESOLVERS:
        if user is not None:
            break
        user = resolver(login)
    return user


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with the username or the mobile phone number.

    Permissions come from roles (suzhi.core.permissions via django-rules), not from Django's
    permission tables, so those are never queried.
    """

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or not password:
            return None
        user = resolve_login(username.strip())
        if user is None:
            # Spend the same time as a real check so usernames cannot be probed by timing.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
