"""Linking existing accounts to roster people (关联账号): an account created in user management, or the demo's, becomes
a participant's own login, so the person's trainings and contests are theirs. A person has at most one account and
an account at most one person; both must be inside the administrator's scope."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.errors import Conflict, NotFound
from suzhi.core.models import User
from suzhi.core.selectors.users import access_user_for_update
from suzhi.core.web import ensure_perm
from suzhi.people.models import Person
from suzhi.people.selectors.persons import MANAGE, access_person_for_update


@transaction.atomic
def person_account_link(*, actor: User, person_id: Any, username: str) -> Person:
    """Link the account named `username` (or its phone) to the person. Needs person.manage over the person and
    user.manage over the account; an account or person outside the caller's scope is not found."""
    ensure_perm(actor, MANAGE)
    ensure_perm(actor, "user.manage")
    person = access_person_for_update(user=actor, person_id=person_id)
    wanted = (username or "").strip()
    found = User.objects.filter(username=wanted).first() or (
        User.objects.filter(phone=wanted).first() if wanted else None)
    if found is None:
        raise NotFound(_("No account “%(username)s” among the accounts you manage.") % {"username": wanted})
    account = access_user_for_update(user=actor, user_id=found.pk)
    if person.user_id == account.pk:
        return person
    if person.user_id is not None:
        raise Conflict(_("%(name)s is linked to another account already; unlink it first.") % {"name": person.name},
                       code="person_linked")
    other = Person.objects.filter(user=account).first()
    if other is not None:
        raise Conflict(_("The account “%(username)s” is linked to another person already.")
                       % {"username": account.username}, code="account_linked")
    person.user = account
    person.save(update_fields=["user", "updated_at"])
    oplog.record(actor=actor, action="person.account_link", obj=person, organisation=person.organisation,
                 after={"user_id": account.pk, "username": account.username},
                 summary=_("Linked %(name)s to the account %(username)s")
                 % {"name": person.name, "username": account.username})
    return person


@transaction.atomic
def person_account_unlink(*, actor: User, person_id: Any) -> Person:
    """The person's account stays, no longer theirs: it can no longer take part as them."""
    ensure_perm(actor, MANAGE)
    ensure_perm(actor, "user.manage")
    person = access_person_for_update(user=actor, person_id=person_id)
    if person.user_id is None:
        return person
    account = access_user_for_update(user=actor, user_id=person.user_id)
    person.user = None
    person.save(update_fields=["user", "updated_at"])
    oplog.record(actor=actor, action="person.account_unlink", obj=person, organisation=person.organisation,
                 before={"user_id": account.pk, "username": account.username},
                 summary=_("Unlinked %(name)s from the account %(username)s")
                 % {"name": person.name, "username": account.username})
    return person
