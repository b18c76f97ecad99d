"""Registration (报名): a unit registers its people for an event of the first round, within the plan's limit per
unit, if the engine's one eligibility decision lets them take part; unofficial contestants (列名参赛) too."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.eligibility import may_take_part
from suzhi.campaigns.services.records import MetricFact, metric_record_remove, metric_records_put
from suzhi.competitions.access import activity_reached, event_and_round, settings_of
from suzhi.competitions.error_codes import CompetitionErrors
from suzhi.competitions.manifest import REGISTER
from suzhi.competitions.models import Contestant, Draw
from suzhi.core import oplog, scope
from suzhi.core.errors import Conflict, NotFound
from suzhi.people.models import Person

METRICS = ("competition.contestants", "competition.entries")


def source_of(contestant: Contestant) -> str:
    return f"contestant:{contestant.pk}"


@transaction.atomic
def contestant_register(*, actor: Any, activity_id: Any, event: str, person_id: Any,
                        official: bool = True) -> Contestant:
    """Register a person of the actor's units in an event of the competition's first round."""
    # The activity row is locked: two clerks of one unit registering at once are counted one after the other.
    activity = activity_reached(actor, activity_id, REGISTER, for_update=True)
    settings = settings_of(activity)
    found_event, first_round = event_and_round(settings, event)
    person = scope.filter_queryset(Person.objects.select_related("organisation"), actor, REGISTER).filter(
        pk=person_id).first() if str(person_id).isdigit() else None
    if person is None:
        raise NotFound()
    decision = may_take_part(person, "register", activity)
    if not decision:
        raise Conflict(decision.message, code=CompetitionErrors.NOT_ELIGIBLE, detail={"reason": decision.code})
    if Draw.objects.filter(activity=activity, event=found_event.key, round=first_round.key).exists():
        raise Conflict(_("The numbers of %(event)s are drawn: registration is closed.")
                       % {"event": found_event.title}, code=CompetitionErrors.DRAWN)
    here = Contestant.objects.filter(activity=activity, event=found_event.key, round=first_round.key)
    if here.filter(person=person).exists():
        raise Conflict(_("%(name)s is already registered for %(event)s.")
                       % {"name": person.name, "event": found_event.title}, code=CompetitionErrors.REGISTERED)
    limit = found_event.per_unit or settings.per_unit
    if limit is not None and official:
        used = here.filter(organisation=person.organisation, official=True,
                           state=Contestant.State.REGISTERED).count()
        if used >= limit:
            raise Conflict(_("%(unit)s has registered %(limit)d contestants for %(event)s, as many as the plan "
                             "allows.") % {"unit": person.organisation.name, "limit": limit,
                                            "event": found_event.title},
                           code=CompetitionErrors.UNIT_LIMIT)
    contestant = Contestant.objects.create(activity=activity, event=found_event.key, round=first_round.key,
                                           person=person, organisation=person.organisation, official=official,
                                           registered_by=actor)
    day = timezone.localdate()
    metric_records_put(activity=activity, person=person, facts=[
        MetricFact(metric, source_of(contestant), day) for metric in METRICS])
    oplog.record(actor=actor, action="competition.register", obj=contestant, organisation=person.organisation,
                 after={"event": found_event.title, "round": first_round.title, "official": official},
                 summary=person.name)
    return contestant


@transaction.atomic
def contestant_withdraw(*, actor: Any, contestant_id: Any) -> Contestant:
    """Take a registration back (弃权) before the numbers are drawn."""
    contestant = scope.filter_queryset(Contestant.objects.select_related("activity", "person"), actor, REGISTER
                                       ).select_for_update(of=("self",)).filter(pk=contestant_id).first() \
        if str(contestant_id).isdigit() else None
    if contestant is None or contestant.state != Contestant.State.REGISTERED:
        raise NotFound()
    if contestant.number is not None:
        raise Conflict(_("The numbers are drawn: ask the organiser to record the withdrawal."),
                       code=CompetitionErrors.DRAWN)
    contestant.state = Contestant.State.WITHDRAWN
    contestant.save(update_fields=["state"])
    for metric in METRICS:
        metric_record_remove(activity=contestant.activity, metric=metric, source=source_of(contestant))
    oplog.record(actor=actor, action="competition.withdraw", obj=contestant, organisation=contestant.organisation,
                 before={"state": Contestant.State.REGISTERED}, after={"state": contestant.state},
                 summary=contestant.person.name)
    return contestant
