"""Appeals (申诉): a contestant, or their unit, appeals one component of a published result with a reason within
the plan's days; an organiser proposes the corrected value (showing it beside the value it replaces) or dismisses
the appeal with a reason; a second person approves the correction, and the ranking follows: the standings are
computed again, the places before and after are kept, every changed value keeps its history. The steps are the
table in states.py."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.competitions.access import activity_organised, settings_of
from suzhi.competitions.error_codes import CompetitionErrors
from suzhi.competitions.manifest import MANAGE, REGISTER, VERIFY
from suzhi.competitions.models import Appeal, Contestant, Measure, MeasureChange, Ranking, Standing
from suzhi.competitions.services.measures import parse_value
from suzhi.competitions.services.rankings import Entrant, component_values, results_record, standings_write
from suzhi.competitions.states import AppealStep, appeal_open, appeal_transition
from suzhi.core import oplog, scope
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.judging.error_codes import JudgingErrors

REASON_LIMIT = 2000


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text or len(text) > REASON_LIMIT:
        raise ValidationFailed(_("Give the reason, in at most 2000 characters."), code=CompetitionErrors.APPEAL_REASON)
    return text


def _current_value(contestant: Contestant, component: str) -> Decimal | None:
    settings = settings_of(contestant.activity)
    event = settings.event(contestant.event)
    if event is None:
        return None
    entrant = Entrant(contestant.pk, contestant.person_id, contestant.official, contestant.organisation_id,
                       contestant.organisation.path)
    return component_values(contestant.activity, event, contestant.round, [entrant])[contestant.pk].get(component)


@transaction.atomic
def appeal_file(*, actor: Any, contestant_id: Any, component: str, reason: str,
                now: datetime.datetime | None = None) -> Appeal:
    """File an appeal: the contestant themselves (their account's roster person) or their unit's clerk."""
    contestant = Contestant.objects.select_related("activity", "organisation", "person").filter(
        pk=contestant_id).first() if str(contestant_id).isdigit() else None
    own = contestant is not None and getattr(getattr(actor, "person", None), "pk", None) == contestant.person_id
    if contestant is None or not (own or scope.may_manage(actor, REGISTER, contestant.organisation)):
        raise NotFound()
    text = _reason(reason)
    ranking = Ranking.objects.select_for_update().filter(
        activity=contestant.activity, event=contestant.event, round=contestant.round).first()
    moment = now or timezone.now()
    days = settings_of(contestant.activity).appeal_days
    if ranking is None or not appeal_open(ranking, days, moment):
        raise Conflict(_("Appeals are filed within %(days)d days after the ranking is published.") % {"days": days},
                       code=CompetitionErrors.APPEAL_CLOSED)
    event = settings_of(contestant.activity).event(contestant.event)
    found = event.component(component) if event else None
    if found is None:
        raise ValidationFailed(_("“%(key)s” is not a component of the event.") % {"key": component},
                               code=CompetitionErrors.UNKNOWN_EVENT)
    if Appeal.objects.filter(contestant=contestant, component=component,
                             state__in=[Appeal.State.FILED, Appeal.State.PROPOSED]).exists():
        raise Conflict(_("An appeal on “%(label)s” is already open.") % {"label": found.label},
                       code=CompetitionErrors.APPEAL_OPEN)
    standing = Standing.objects.filter(contestant=contestant).first()
    appeal = Appeal.objects.create(contestant=contestant, ranking=ranking, component=component, reason=text,
                                   filed_by=actor, filed_at=moment,
                                   value_before=_current_value(contestant, component),
                                   position_before=standing.position if standing else None)
    oplog.record(actor=actor, action="competition.appeal_file", obj=appeal, organisation=contestant.organisation,
                 after={"component": found.label, "comment": text}, summary=contestant.person.name)
    return appeal


def _appeal_for(actor: Any, appeal_id: Any, permission: str) -> Appeal:
    appeal = Appeal.objects.select_related("contestant__activity", "contestant__organisation", "contestant__person",
                                           "ranking").select_for_update(of=("self",)).filter(
        pk=appeal_id).first() if str(appeal_id).isdigit() else None
    if appeal is None:
        raise NotFound()
    activity_organised(actor, appeal.contestant.activity_id, permission)
    return appeal


@transaction.atomic
def appeal_propose(*, actor: Any, appeal_id: Any, value: Any, note: str) -> Appeal:
    """The organiser reopens the score: the corrected value beside the one it replaces, and why."""
    appeal = _appeal_for(actor, appeal_id, MANAGE)
    appeal.state = appeal_transition(AppealStep.PROPOSE, appeal.state)
    event = settings_of(appeal.contestant.activity).event(appeal.contestant.event)
    found = event.component(appeal.component) if event else None
    # The refusal names the component as the plan labels it (理论), not by its key
    appeal.value_after = parse_value(value, found.label if found else appeal.component)
    appeal.note, appeal.decided_by, appeal.decided_at = _reason(note), actor, timezone.now()
    appeal.save(update_fields=["state", "value_after", "note", "decided_by", "decided_at"])
    oplog.record(actor=actor, action="competition.appeal_propose", obj=appeal,
                 organisation=appeal.contestant.organisation,
                 before={"value": appeal.value_before}, after={"value": appeal.value_after, "comment": appeal.note},
                 summary=appeal.contestant.person.name)
    return appeal


@transaction.atomic
def appeal_dismiss(*, actor: Any, appeal_id: Any, note: str) -> Appeal:
    appeal = _appeal_for(actor, appeal_id, MANAGE)
    appeal.state = appeal_transition(AppealStep.DISMISS, appeal.state)
    appeal.note, appeal.decided_by, appeal.decided_at = _reason(note), actor, timezone.now()
    appeal.save(update_fields=["state", "note", "decided_by", "decided_at"])
    oplog.record(actor=actor, action="competition.appeal_dismiss", obj=appeal,
                 organisation=appeal.contestant.organisation, after={"comment": appeal.note},
                 summary=appeal.contestant.person.name)
    return appeal


@transaction.atomic
def appeal_approve(*, actor: Any, appeal_id: Any) -> Appeal:
    """A second person approves the correction: the value changes (kept in its history), the ranking is computed
    again and stays published, the places, finalists and the next round follow."""
    appeal = _appeal_for(actor, appeal_id, VERIFY)
    after = appeal_transition(AppealStep.APPROVE, appeal.state)
    if actor.pk == appeal.decided_by_id:
        raise Conflict(_("The correction is approved by a second person, not by whoever proposed it."),
                       code=JudgingErrors.SAME_PERSON)
    contestant = appeal.contestant
    ranking = Ranking.objects.select_for_update().select_related("activity").get(pk=appeal.ranking_id)
    corrected = appeal.value_after
    assert corrected is not None  # a proposed correction carries its value (appeal_propose)
    measure = Measure.objects.select_for_update().filter(contestant=contestant, component=appeal.component).first()
    old = measure.value if measure is not None else None
    if measure is None:
        measure = Measure.objects.create(contestant=contestant, component=appeal.component, value=corrected,
                                         entered_by=actor)
    else:
        measure.value, measure.entered_by, measure.entered_at = corrected, actor, timezone.now()
        measure.save(update_fields=["value", "entered_by", "entered_at"])
    MeasureChange.objects.create(measure=measure, old=old, new=corrected, by=actor,
                                 reason=_("Appeal: %(reason)s") % {"reason": appeal.reason[:450]})
    settings = settings_of(ranking.activity)
    event, round_ = settings.event(ranking.event), settings.round(ranking.round)
    assert event is not None and round_ is not None
    standings_write(ranking, settings, event, round_)
    results_record(actor, ranking, timezone.localdate())
    standing = Standing.objects.filter(contestant=contestant).first()
    appeal.state, appeal.approved_by, appeal.approved_at = after, actor, timezone.now()
    appeal.position_after = standing.position if standing else None
    appeal.save(update_fields=["state", "approved_by", "approved_at", "position_after"])
    oplog.record(actor=actor, action="competition.appeal_approve", obj=appeal, organisation=contestant.organisation,
                 before={"value": appeal.value_before, "position": appeal.position_before},
                 after={"value": appeal.value_after, "position": appeal.position_after},
                 summary=contestant.person.name)
    return appeal
