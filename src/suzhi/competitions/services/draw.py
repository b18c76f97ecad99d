"""The draw of numbers (抽签): a recorded random order of an event's contestants in a round. The seed is kept, so
the numbers can be reproduced from it and the list of contestants; judged components go to judging as the draw
is made, under labels that name no one."""

import random
import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.competitions.access import activity_organised, event_and_round, settings_of
from suzhi.competitions.error_codes import CompetitionErrors
from suzhi.competitions.manifest import MANAGE
from suzhi.competitions.models import Contestant, Draw
from suzhi.competitions.services.registration import source_of
from suzhi.core import oplog
from suzhi.core.errors import Conflict
from suzhi.judging.services.entries import EntryIn, entries_put


def drawn_order(contestant_ids: list[int], seed: str) -> list[int]:
    """The contestants (ids) in number order: those ids sorted, shuffled by a generator seeded with `seed`.
    Anyone holding the seed and the list gets the same numbers."""
    order = sorted(contestant_ids)
    random.Random(seed).shuffle(order)  # noqa: S311 - reproducible on purpose; the seed itself is secret-random
    return order


@transaction.atomic
def numbers_draw(*, actor: Any, activity_id: Any, event: str, round_: str) -> Draw:
    """Draw the numbers of an event's contestants in a round, once; judged components are handed to judging."""
    activity = activity_organised(actor, activity_id, MANAGE, for_update=True)
    settings = settings_of(activity)
    found_event, found_round = event_and_round(settings, event, round_)
    if Draw.objects.filter(activity=activity, event=found_event.key, round=found_round.key).exists():
        raise Conflict(_("The numbers of %(event)s are already drawn.") % {"event": found_event.title},
                       code=CompetitionErrors.DRAWN)
    contestants = {c.pk: c for c in Contestant.objects.filter(
        activity=activity, event=found_event.key, round=found_round.key, state=Contestant.State.REGISTERED)}
    if not contestants:
        raise Conflict(_("No contestant is registered for %(event)s.") % {"event": found_event.title},
                       code=CompetitionErrors.NO_CONTESTANTS)
    seed = secrets.token_hex(16)
    order = drawn_order(list(contestants), seed)
    for number, contestant_id in enumerate(order, start=1):
        contestants[contestant_id].number = number
    Contestant.objects.bulk_update(list(contestants.values()), ["number"])
    draw = Draw.objects.create(activity=activity, event=found_event.key, round=found_round.key, seed=seed,
                               order=order, drawn_by=actor)
    if any(c.source == "judging" for c in found_event.components):
        entries_put(actor=actor, activity=activity, entries=[
            EntryIn(source=source_of(c), title=f"{found_event.title} · {found_round.title} · {c.label}",
                    organisation_id=c.organisation_id, category=found_event.key, author_person_ids=[c.person_id])
            for c in sorted(contestants.values(), key=lambda c: c.number or 0)])
    oplog.record(actor=actor, action="competition.draw", obj=draw, organisation=activity.organiser,
                 after={"event": found_event.title, "round": found_round.title, "contestants": len(order),
                        "seed": seed}, summary=activity.title)
    return draw
