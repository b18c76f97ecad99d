"""Bringing an empty installation to life: the first superuser."""

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.models import User
from suzhi.core.services.auth import check_new_password


@transaction.atomic
def superuser_ensure(*, username: str, password: str) -> User:
    """The named superuser, created with `password` if missing; an existing one is left untouched."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(username=username, full_name=_("System administrator"), is_superuser=True, is_staff=True)
    check_new_password(user=user, password=password)
    user.set_password(password)
    user.save()
    oplog.record(actor=None, action="user.bootstrap", obj=user, organisation=None,
                 after={"username": username, "is_superuser": True})
    return user
