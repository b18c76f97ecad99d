"""Roster people's accounts. Linking an existing account (关联账号): an account created in user management, or the
demo's, becomes a participant's own login, so the person's trainings and contests are theirs. A person has at most one
account and an account at most one person; both must be inside the administrator's scope. Opening accounts in bulk
(批量开通账号): one account per selected person, each with a one-time activation code printed on a sheet."""

import dataclasses
import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core import oplog, scope
from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import ExportJob, Organisation, Role, RoleAssignment, User
from suzhi.core.phones import is_mobile, normalise_mobile
from suzhi.core.selectors.roles import grant_refusal
from suzhi.core.selectors.users import access_user_for_update
from suzhi.core.services.activation import activation_codes_issue
from suzhi.core.web import ensure_perm
from suzhi.people.error_codes import PeopleErrors
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
                       code=PeopleErrors.PERSON_LINKED)
    other = Person.objects.filter(user=account).first()
    if other is not None:
        raise Conflict(_("The account “%(username)s” is linked to another person already.")
                       % {"username": account.username}, code=PeopleErrors.ACCOUNT_LINKED)
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


# Accounts opened in one go (批量开通账号): at most this many people per batch, so the sheet stays printable and the
# request short; "everyone in the unit" takes the first ones and says how many remain.
MAX_BATCH = 200
SHEET_KIND = "people.activation_sheet"


@dataclasses.dataclass
class AccountsBatch:
    """What a batch did: accounts `created`, people who `already` had one, ids `skipped` (unknown or outside the
    caller's scope), `inactive` people (left) passed over, and how many more the unit has (`remaining`). `sheet` is
    the caller's own export job holding the activation sheet, when any code was issued. For new codes (reissue):
    `reissued`, people whose account is `already` activated, and people with `no_account`."""

    created: int = 0
    reissued: int = 0
    no_account: int = 0
    already: int = 0
    skipped: int = 0
    inactive: int = 0
    remaining: int = 0
    sheet: ExportJob | None = None


def _in_both_scopes(actor: User, queryset: QuerySet[Person]) -> QuerySet[Person]:
    """People the actor manages (person.manage) whose organisation's accounts they manage too (user.manage)."""
    queryset = scope.filter_queryset(queryset, actor, MANAGE, org_field="organisation")
    return scope.filter_queryset(queryset, actor, "user.manage", org_field="organisation")


def _wanted_ids(person_ids: Iterable[Any]) -> list[int]:
    ids: list[int] = []
    for raw in person_ids:
        text = str(raw).strip()
        if not text.isdigit() or len(text) > 18:  # beyond a database integer: no such person
            message = _("“%(value)s” is not a person's id.") % {"value": text[:20]}
            raise ValidationFailed(message, detail=[{"field": "person_ids", "message": message}])
        ids.append(int(text))
    ids = list(dict.fromkeys(ids))
    if not ids:
        message = _("Select the people to open accounts for.")
        raise ValidationFailed(message, detail=[{"field": "person_ids", "message": message}])
    if len(ids) > MAX_BATCH:
        message = _("Open accounts for at most %(n)d people at a time.") % {"n": MAX_BATCH}
        raise ValidationFailed(message, detail=[{"field": "person_ids", "message": message}])
    return ids


def _usernames(people: list[Person]) -> dict[int, str]:
    """"ry" and the person's id, as for a single participant login: no personal data on the sheet or in the logs. A
    name somebody took by hand gets a random tail."""
    names = {person.pk: f"ry{person.pk}" for person in people}
    while True:
        taken = set(User.objects.annotate(lowered=Lower("username")).filter(lowered__in=list(names.values()))
                    .values_list("lowered", flat=True))
        clashes = [pk for pk, name in names.items() if name in taken]
        if not clashes:
            return names
        for pk in clashes:
            names[pk] = f"ry{pk}-{secrets.token_hex(2)}"


def _phones(people: list[Person]) -> dict[int, str]:
    """The person's mobile number on their account (a login name after activation) when no account uses it yet."""
    wanted = {person.pk: normalise_mobile(person.phone) for person in people}
    wanted = {pk: phone for pk, phone in wanted.items() if is_mobile(phone)}
    numbers = set(wanted.values())
    used = set(User.objects.filter(phone__in=numbers).values_list("phone", flat=True)) | set(
        User.objects.filter(username__in=numbers).values_list("username", flat=True))
    given: dict[int, str] = {}
    for pk, phone in wanted.items():
        if phone not in used:
            given[pk] = phone
            used.add(phone)
    return given


def _participant_role(actor: User, organisations: Iterable[Organisation]) -> Role:
    role = Role.objects.get(code="participant")
    for organisation in {org.pk: org for org in organisations}.values():
        refusal = grant_refusal(actor, role, organisation)
        if refusal is not None:
            raise PermissionDenied(refusal)
    return role


def _sheet(*, actor: User, issued: list[tuple[Person, User, str]], activate_url: str, now: datetime.datetime,
           place: Organisation | None) -> ExportJob:
    """The activation sheet as the caller's own export (我的导出), downloadable by them alone and removed with the
    other exports after the export_keep_days parameter."""
    from suzhi.core.services.activation import activation_code_days
    from suzhi.people.activation_sheet import SheetCard, render_activation_sheet

    local = timezone.localtime(now)
    title = _("Activation sheet %(org)s %(date)s") % {
        "org": place.name if place is not None else "", "date": f"{local:%Y%m%d-%H%M}"}
    cards = [SheetCard(name=person.name, organisation=person.organisation.name, username=account.username, code=code)
             for person, account, code in issued]
    pdf = render_activation_sheet(cards=cards, activate_url=activate_url, title=title,
                                  expires_on=(local + datetime.timedelta(days=activation_code_days())).date())
    job = ExportJob.objects.create(user=actor, kind=SHEET_KIND, title=title[:200], params={"people": len(cards)},
                                   status=ExportJob.Status.DONE, total=len(cards), done=len(cards), finished_at=now)
    job.file.save(f"activation-{local:%Y%m%d-%H%M%S}-{job.pk}.pdf", ContentFile(pdf), save=False)
    ExportJob.objects.filter(pk=job.pk).update(file=job.file.name)
    return job


def _common_place(actor: User, people: list[Person]) -> Organisation | None:
    organisations = {person.organisation_id for person in people}
    if len(organisations) == 1:
        return people[0].organisation
    return actor.organisation


@transaction.atomic
def accounts_create_for_people(
    *, actor: User, activate_url: str, person_ids: Iterable[Any] | None = None, org_id: Any = None,
    all_in_org: bool = False,
) -> AccountsBatch:
    """Open participant accounts for the selected people (`person_ids`), or for everyone active without one in the
    organisation `org_id` and below (`all_in_org`), and print their activation sheet.

    Each account is named "ry" and the person's id, holds the participant role at the person's organisation, has no
    usable password and a one-time activation code (only its digest is stored) valid for the activation_code_days
    parameter; it is linked to the person. People outside the caller's scope are skipped (all of them: not found).
    One operation-log row for the batch, never a code. A constant number of statements, however many people."""
    ensure_perm(actor, MANAGE)
    ensure_perm(actor, "user.manage")
    now = timezone.now()
    batch = AccountsBatch()
    people_in_scope = _in_both_scopes(actor, Person.objects.all())
    place: Organisation | None = None
    if all_in_org:
        place = scope.get_in_scope(Organisation.objects.all(), actor, MANAGE, pk=org_id, org_field="")
        if not scope.organisation_in_scope(actor, "user.manage", place):
            raise NotFound()
        under = people_in_scope.filter(organisation__path__startswith=place.path, is_active=True)
        batch.already = under.filter(user__isnull=False).count()
        waiting = under.filter(user__isnull=True)
        people = list(waiting.select_related("organisation").select_for_update(of=("self",))
                      .order_by("organisation__path", "name_initials", "id")[:MAX_BATCH])
        if len(people) == MAX_BATCH:
            batch.remaining = waiting.count() - MAX_BATCH
    else:
        ids = _wanted_ids(person_ids or [])
        found = list(people_in_scope.filter(pk__in=ids).select_related("organisation")
                     .select_for_update(of=("self",)).order_by("organisation__path", "name_initials", "id"))
        if not found:
            raise NotFound()
        batch.skipped = len(ids) - len(found)
        batch.already = sum(1 for person in found if person.user_id is not None)
        batch.inactive = sum(1 for person in found if person.user_id is None and not person.is_active)
        people = [person for person in found if person.user_id is None and person.is_active]
    if people:
        place = place or _common_place(actor, people)
        role = _participant_role(actor, (person.organisation for person in people))
        names, phones = _usernames(people), _phones(people)
        accounts = [User(username=names[person.pk], full_name=person.name[:100], phone=phones.get(person.pk),
                         organisation_id=person.organisation_id, is_active=True) for person in people]
        for account in accounts:
            account.set_unusable_password()  # until the person sets one with their code
        User.objects.bulk_create(accounts)
        RoleAssignment.objects.bulk_create([
            RoleAssignment(user=account, role=role, organisation_id=person.organisation_id)
            for person, account in zip(people, accounts, strict=True)])
        for person, account in zip(people, accounts, strict=True):
            person.user, person.updated_at = account, now
        Person.objects.bulk_update(people, ["user", "updated_at"])
        codes = activation_codes_issue(actor=actor, users=accounts, now=now)
        batch.created = len(people)
        issued = [(person, account, codes[account.pk]) for person, account in zip(people, accounts, strict=True)]
        batch.sheet = _sheet(actor=actor, issued=issued, activate_url=activate_url, now=now, place=place)
    oplog.record(
        actor=actor, action="person.accounts_create", obj=batch.sheet, organisation=place,
        after={"created": batch.created, "already": batch.already, "skipped": batch.skipped,
               "inactive": batch.inactive, "remaining": batch.remaining, "person_ids": [p.pk for p in people]},
        summary=_("Opened %(n)d participant accounts with activation codes") % {"n": batch.created},
    )
    return batch


def _reissuable(actor: User, pairs: list[tuple[Person, User]]) -> tuple[list[tuple[Person, User]], int]:
    """Of people whose account is not yet activated, those whose account the actor could have made: an account that
    holds a role the actor cannot grant (a higher administrator's, linked to a person) gets no code from them."""
    if actor.is_superuser:
        return pairs, 0
    roles = RoleAssignment.objects.filter(user_id__in=[account.pk for _person, account in pairs]).select_related(
        "role", "organisation")
    refused = {assignment.user_id for assignment in roles
               if grant_refusal(actor, assignment.role, assignment.organisation) is not None}
    allowed = [(person, account) for person, account in pairs
               if account.pk not in refused and not account.is_superuser]
    return allowed, len(pairs) - len(allowed)


@transaction.atomic
def activation_codes_reissue(*, actor: User, activate_url: str, person_ids: Iterable[Any]) -> AccountsBatch:
    """New activation codes, on a new sheet, for selected people whose account has not been activated yet (a lost
    sheet, an expired code); their earlier codes stop working. People without an account, or whose account already
    has its own password, are counted and left alone. Same scope rules and log as opening accounts."""
    ensure_perm(actor, MANAGE)
    ensure_perm(actor, "user.manage")
    now = timezone.now()
    ids = _wanted_ids(person_ids)
    found = list(_in_both_scopes(actor, Person.objects.filter(pk__in=ids)).select_related("organisation", "user")
                 .select_for_update(of=("self",)).order_by("organisation__path", "name_initials", "id"))
    if not found:
        raise NotFound()
    batch = AccountsBatch(skipped=len(ids) - len(found))
    batch.no_account = sum(1 for person in found if person.user is None)
    batch.inactive = sum(1 for person in found if person.user is not None and not person.is_active)
    pairs = [(person, person.user) for person in found if person.user is not None and person.is_active]
    batch.already = sum(1 for _person, account in pairs if account.has_usable_password())
    waiting = [(person, account) for person, account in pairs if not account.has_usable_password()]
    enabled = [(person, account) for person, account in waiting if account.is_active]
    disabled = len(waiting) - len(enabled)  # a disabled account gets no code: counted as skipped
    pending, refused = _reissuable(actor, enabled)
    batch.skipped += refused + disabled
    place = _common_place(actor, [person for person, _account in pending]) if pending else actor.organisation
    if pending:
        codes = activation_codes_issue(actor=actor, users=[account for _person, account in pending], now=now)
        batch.reissued = len(pending)
        issued = [(person, account, codes[account.pk]) for person, account in pending]
        batch.sheet = _sheet(actor=actor, issued=issued, activate_url=activate_url, now=now, place=place)
    oplog.record(
        actor=actor, action="person.activation_reissue", obj=batch.sheet, organisation=place,
        after={"reissued": batch.reissued, "already": batch.already, "no_account": batch.no_account,
               "skipped": batch.skipped, "inactive": batch.inactive,
               "person_ids": [person.pk for person, _account in pending]},
        summary=_("Issued new activation codes for %(n)d people") % {"n": batch.reissued},
    )
    return batch
