"""Measured results (用时、件数、失误, or a score typed from paper): entered one by one or imported, every change kept
with its old value, who, when and why."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.competitions.access import activity_organised, settings_of
from suzhi.competitions.error_codes import CompetitionErrors
from suzhi.competitions.manifest import MANAGE
from suzhi.competitions.models import Contestant, Measure, MeasureChange, Ranking
from suzhi.competitions.states import State
from suzhi.core import oplog
from suzhi.core.errors import Conflict, NotFound, ValidationFailed

LIMIT = Decimal("99999999")


def parse_value(raw: Any, label: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("“%(label)s” must be a number.") % {"label": label},
                               code=CompetitionErrors.BAD_VALUE) from exc
    if not value.is_finite() or not 0 <= value <= LIMIT:
        raise ValidationFailed(_("“%(label)s” must be a number from 0 to 99999999.") % {"label": label},
                               code=CompetitionErrors.BAD_VALUE)
    return value.quantize(Decimal("0.0001"))


@transaction.atomic
def measures_enter(*, actor: Any, activity_id: Any, values: Mapping[int, Mapping[str, Any]],
                   reason: str = "") -> int:
    """Enter measured values: {contestant id: {component key: value}}. All or nothing; returns how many changed.
    Refused once the contestant's ranking is verified or published (an appeal changes it then)."""
    activity = activity_organised(actor, activity_id, MANAGE, for_update=True)
    settings = settings_of(activity)
    contestants = Contestant.objects.filter(activity=activity, pk__in=[int(pk) for pk in values]).in_bulk()
    if len(contestants) != len(values):
        raise NotFound()
    locked = set(Ranking.objects.filter(activity=activity, state__in=[State.VERIFIED, State.PUBLISHED])
                 .values_list("event", "round"))
    stored = {(m.contestant_id, m.component): m for m in Measure.objects.select_for_update().filter(
        contestant_id__in=list(contestants))}
    changed = 0
    for contestant_id, row in values.items():
        contestant = contestants[int(contestant_id)]
        if (contestant.event, contestant.round) in locked:
            raise Conflict(_("The ranking is verified: results change only through an appeal."),
                           code=CompetitionErrors.LOCKED)
        event = settings.event(contestant.event)
        for key, raw in row.items():
            component = event.component(key) if event else None
            if component is None or component.source not in ("measured", "quiz"):
                raise ValidationFailed(_("“%(key)s” is not entered here: it comes from a contest or from the "
                                         "judges.") % {"key": key}, code=CompetitionErrors.NOT_MEASURED)
            value = parse_value(raw, component.label)
            measure = stored.get((contestant.pk, key))
            if measure is not None and measure.value == value:
                continue
            old = measure.value if measure is not None else None
            if measure is None:
                measure = Measure.objects.create(contestant=contestant, component=key, value=value, entered_by=actor)
            else:
                measure.value, measure.entered_by, measure.entered_at = value, actor, timezone.now()
                measure.save(update_fields=["value", "entered_by", "entered_at"])
            MeasureChange.objects.create(measure=measure, old=old, new=value, reason=reason[:500], by=actor)
            changed += 1
    oplog.record(actor=actor, action="competition.measures", obj=activity, organisation=activity.organiser,
                 after={"values": changed}, summary=activity.title)
    return changed
