"""Writing honours (表彰): proposing a rule's recipients, adding and removing recipients by hand with a reason,
confirming a rule's list. The campaign's organiser's admins (honours.manage over the organiser) do this; every
write keeps the honour's history and one operation-log row."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Campaign
from suzhi.campaigns.plan.schema import AwardRule
from suzhi.core import oplog, scope
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.models import Organisation, User
from suzhi.honours.error_codes import HonourErrors
from suzhi.honours.manifest import MANAGE
from suzhi.honours.models import Honour, HonourChange
from suzhi.honours.rules import rule_of, titles_of
from suzhi.honours.selectors.proposals import Candidate, candidates
from suzhi.honours.states import NEEDS_REASON, Action, State, next_state
from suzhi.people.models import Person

MAX_PROPOSED = 5000  # one list an organiser can still read and confirm
REASON_MAX = 500


def managed_campaign(*, actor: User, campaign_id: Any, for_update: bool = False) -> Campaign:
    """A campaign whose organiser lies in the actor's honours.manage scope; 404 otherwise."""
    return scope.get_in_scope(Campaign.objects.select_related("organiser"), actor, MANAGE, pk=campaign_id,
                              org_field="organiser", for_update=for_update)


def _reason(action: str, reason: str) -> str:
    text = (reason or "").strip()
    if action in NEEDS_REASON and not text:
        raise ValidationFailed(_("Say why (a reason is required)."), code=HonourErrors.REASON_NEEDED,
                               detail=[{"field": "reason", "message": _("This field is required.")}])
    return text[:REASON_MAX]


def _recipient_key(person_id: int | None, organisation_id: int, title: str) -> tuple[str, int, str]:
    return ("person", person_id, title) if person_id is not None else ("organisation", organisation_id, title)


def _honour(campaign: Campaign, index: int, rule: AwardRule, candidate: Candidate, *, actor: User,
            moment: Any, origin: str = Honour.Origin.RULE, reason: str = "") -> Honour:
    return Honour(campaign=campaign, rule_key=rule.key, person_id=candidate.person_id,
                  organisation_id=candidate.organisation_id, name=candidate.name[:200], title=candidate.title,
                  basis=candidate.basis[:300], position=candidate.position, score=candidate.score,
                  tied=candidate.tied, recommend_to=rule.recommend_to, state=State.PROPOSED, origin=origin,
                  reason=reason, position_in_rule=index, proposed_by=actor, proposed_at=moment)


@transaction.atomic
def honours_propose(*, actor: User, campaign_id: Any, rule_key: str) -> list[Honour]:
    """Apply the rule to what the platform holds now: its earlier proposals still unconfirmed are replaced; what an
    organiser decided stays (a recipient confirmed, removed or added by hand is not proposed again)."""
    campaign = managed_campaign(actor=actor, campaign_id=campaign_id, for_update=True)
    index, rule = rule_of(campaign, rule_key)
    if rule.basis == "manual":
        raise Conflict(_("The recipients of “%(rule)s” are entered by hand.") % {"rule": rule.title},
                       code=HonourErrors.MANUAL_RULE)
    found = candidates(campaign, rule, limit=MAX_PROPOSED)
    if len(found) > MAX_PROPOSED:
        raise Conflict(_("The rule finds more than %(most)d recipients; narrow it in the plan.")
                       % {"most": MAX_PROPOSED}, code=HonourErrors.TOO_MANY)
    of_rule = Honour.objects.filter(campaign=campaign, rule_key=rule.key)
    _total, deleted = of_rule.filter(state=State.PROPOSED, origin=Honour.Origin.RULE).delete()
    replaced = deleted.get(Honour._meta.label, 0)
    decided = {_recipient_key(p, o, t) for p, o, t in of_rule.values_list("person_id", "organisation_id", "title")}
    moment = timezone.now()
    fresh, seen = [], set(decided)
    for candidate in found:
        key = _recipient_key(candidate.person_id, candidate.organisation_id, candidate.title)
        if key not in seen:
            seen.add(key)
            fresh.append(_honour(campaign, index, rule, candidate, actor=actor, moment=moment))
    Honour.objects.bulk_create(fresh, batch_size=500)
    HonourChange.objects.bulk_create([HonourChange(honour=h, action=Action.PROPOSE, after=State.PROPOSED,
                                                   actor=actor, at=moment) for h in fresh], batch_size=500)
    oplog.record(actor=actor, action="honours.propose", obj=campaign, organisation=campaign.organiser,
                 after={"rule": rule.key, "proposed": len(fresh), "replaced": replaced}, summary=rule.title)
    return fresh


def _recipient(campaign: Campaign, rule: AwardRule, person_id: Any, organisation_id: Any) -> Candidate:
    """The person or unit named, in the campaign's tree and of the rule's kind of recipient."""
    tree = campaign.organiser.path
    if rule.recipient == "person":
        if person_id in (None, "") or organisation_id not in (None, ""):
            raise ValidationFailed(_("This award goes to people: choose a person."), code=HonourErrors.RECIPIENT)
        if not str(person_id).isdigit():
            raise NotFound()
        person = Person.objects.filter(pk=int(person_id), organisation__path__startswith=tree).first()
        if person is None:
            raise NotFound()
        return Candidate(organisation_id=person.organisation_id, name=person.name, title="", basis="",
                         person_id=person.pk)
    if organisation_id in (None, "") or person_id not in (None, ""):
        raise ValidationFailed(_("This award goes to units: choose a unit."), code=HonourErrors.RECIPIENT)
    if not str(organisation_id).isdigit():
        raise NotFound()
    unit = Organisation.objects.filter(pk=int(organisation_id), path__startswith=tree).first()
    if unit is None:
        raise NotFound()
    return Candidate(organisation_id=unit.pk, name=unit.name, title="", basis="")


@transaction.atomic
def honour_add(*, actor: User, campaign_id: Any, rule_key: str, reason: str, title: str = "",
               person_id: Any = None, organisation_id: Any = None, basis: str = "",
               position: int | None = None) -> Honour:
    """Add a recipient by hand (a 酒泉 result, someone the rule missed), proposed like the rule's, with the reason."""
    campaign = managed_campaign(actor=actor, campaign_id=campaign_id, for_update=True)
    index, rule = rule_of(campaign, rule_key)
    text = _reason(Action.ADD, reason)
    title = (title or "").strip() or titles_of(rule)[0]
    if title not in titles_of(rule):
        raise ValidationFailed(_("“%(title)s” is not a title of this award; its titles: %(titles)s.")
                               % {"title": title, "titles": "、".join(titles_of(rule))}, code=HonourErrors.TITLE)
    found = _recipient(campaign, rule, person_id, organisation_id)
    holding = Honour.objects.filter(campaign=campaign, rule_key=rule.key, title=title,
                                    state__in=[State.PROPOSED, State.CONFIRMED])
    holding = holding.filter(person_id=found.person_id) if found.person_id is not None else holding.filter(
        person__isnull=True, organisation_id=found.organisation_id)
    if holding.exists():
        raise Conflict(_("%(name)s already holds “%(title)s” under this award.") % {"name": found.name,
                                                                                  "title": title},
                       code=HonourErrors.DUPLICATE)
    candidate = Candidate(organisation_id=found.organisation_id, name=found.name, title=title,
                          basis=(basis or "").strip()[:300] or _("added by hand"), person_id=found.person_id,
                          position=position if position and position > 0 else None)
    moment = timezone.now()
    honour = _honour(campaign, index, rule, candidate, actor=actor, moment=moment, origin=Honour.Origin.MANUAL,
                     reason=text)
    honour.save()
    HonourChange.objects.create(honour=honour, action=Action.ADD, after=State.PROPOSED, reason=text, actor=actor,
                                at=moment)
    oplog.record(actor=actor, action="honours.add", obj=honour, organisation=campaign.organiser,
                 after={"rule": rule.key, "recipient": found.name, "title": title, "reason": text},
                 summary=str(honour))
    return honour


@transaction.atomic
def honour_remove(*, actor: User, honour_id: Any, reason: str) -> Honour:
    """Take a recipient off the list (proposed) or off the roll (confirmed), saying why; the row stays, removed."""
    honour = scope.get_in_scope(Honour.objects.select_related("campaign__organiser"), actor, MANAGE, pk=honour_id,
                                org_field="campaign__organiser", for_update=True)
    text = _reason(Action.REMOVE, reason)
    before = honour.state
    honour.state = next_state(before, Action.REMOVE)
    honour.reason = text
    honour.save(update_fields=["state", "reason"])
    HonourChange.objects.create(honour=honour, action=Action.REMOVE, before=before, after=honour.state, reason=text,
                                actor=actor, at=timezone.now())
    oplog.record(actor=actor, action="honours.remove", obj=honour, organisation=honour.campaign.organiser,
                 before={"state": before}, after={"state": honour.state, "reason": text}, summary=str(honour))
    return honour


@transaction.atomic
def honours_confirm(*, actor: User, campaign_id: Any, rule_key: str) -> int:
    """Confirm every proposed honour of the rule: they join the honours roll. How many were confirmed."""
    campaign = managed_campaign(actor=actor, campaign_id=campaign_id, for_update=True)
    _index, rule = rule_of(campaign, rule_key)
    proposed = list(Honour.objects.filter(campaign=campaign, rule_key=rule.key, state=State.PROPOSED))
    if not proposed:
        raise Conflict(_("Nothing is proposed under “%(rule)s”.") % {"rule": rule.title},
                       code=HonourErrors.NOTHING_PROPOSED)
    moment = timezone.now()
    changes = []
    for honour in proposed:
        honour.state = next_state(State.PROPOSED, Action.CONFIRM)
        honour.confirmed_by, honour.confirmed_at = actor, moment
        changes.append(HonourChange(honour=honour, action=Action.CONFIRM, before=State.PROPOSED, after=honour.state,
                                    actor=actor, at=moment))
    Honour.objects.bulk_update(proposed, ["state", "confirmed_by", "confirmed_at"], batch_size=500)
    HonourChange.objects.bulk_create(changes, batch_size=500)
    oplog.record(actor=actor, action="honours.confirm", obj=campaign, organisation=campaign.organiser,
                 after={"rule": rule.key, "confirmed": len(proposed)}, summary=rule.title)
    return len(proposed)
