"""Entries handed to judging by a kind, panels of judges and declared conflicts."""

import dataclasses
import random
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Activity
from suzhi.core import oplog
from suzhi.core.errors import NotFound, PermissionDenied
from suzhi.core.models import Organisation, User
from suzhi.judging.access import activity_managed, judging_settings
from suzhi.judging.error_codes import JudgingErrors
from suzhi.judging.manifest import MANAGE, SCORE
from suzhi.judging.models import DeclaredConflict, Entry, Panel, PanelJudge
from suzhi.judging.services.assignments import drop_conflicting

LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O, which read as 1 and 0


@dataclasses.dataclass(frozen=True)
class EntryIn:
    """One finalist as a kind hands it over. `source` is the kind's own key ("submission:123"), unique in the
    activity; `organisation_id` the unit it comes from; the authors are roster people (people.Person ids)."""

    source: str
    title: str
    organisation_id: int
    category: str = ""
    author_person_ids: Sequence[int] = ()
    nominating_organisation_id: int | None = None


def _blind_labels(taken: set[str], count: int) -> list[str]:
    """`count` new labels like "K-0427", random and unique in the activity (more digits for big activities)."""
    width = 4 if len(taken) + count < 50_000 else 6
    rng = random.SystemRandom()
    labels: list[str] = []
    while len(labels) < count:
        label = f"{rng.choice(LETTERS)}-{rng.randrange(10 ** width):0{width}d}"
        if label not in taken:
            taken.add(label)
            labels.append(label)
    return labels


@transaction.atomic
def entries_put(*, actor: Any, activity: Activity, entries: Sequence[EntryIn]) -> list[Entry]:
    """Hand entries to judging, or update them (matched by `source`): THE call a kind makes when its entries
    reach the judged stage. The kind has checked its own permission for the step that leads here. An entry
    withdrawn earlier comes back. Each new entry gets its blind label, kept for good."""
    judging_settings(activity)
    existing = {e.source: e for e in Entry.objects.select_for_update().filter(activity=activity)}
    taken = {e.blind_label for e in existing.values()}
    new = [item for item in entries if item.source not in existing]
    labels = iter(_blind_labels(taken, len(new)))
    created, changed = [], []
    for item in entries:
        values = {"title": item.title[:200], "category": item.category, "organisation_id": item.organisation_id,
                  "author_ids": sorted(set(item.author_person_ids)),
                  "nominating_organisation_id": item.nominating_organisation_id, "state": Entry.State.ACTIVE}
        entry = existing.get(item.source)
        if entry is None:
            created.append(Entry(activity=activity, source=item.source, blind_label=next(labels), **values))
        elif any(getattr(entry, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(entry, name, value)
            changed.append(entry)
    Entry.objects.bulk_create(created, batch_size=2000)
    Entry.objects.bulk_update(changed, ["title", "category", "organisation_id", "author_ids",
                                        "nominating_organisation_id", "state"], batch_size=2000)
    if created or changed:
        oplog.record(actor=actor, action="judging.entries_put", obj=activity, organisation=activity.organiser,
                     after={"entries": len(created) + len(changed)})
    by_source = {e.source: e for e in (*existing.values(), *created)}
    return [by_source[item.source] for item in entries]


@transaction.atomic
def entries_withdraw(*, actor: Any, activity: Activity, sources: Sequence[str]) -> int:
    """Take entries out of judging (the kind withdrew them); their scores are kept. Returns how many."""
    count = Entry.objects.filter(activity=activity, source__in=list(sources), state=Entry.State.ACTIVE).update(
        state=Entry.State.WITHDRAWN)
    if count:
        oplog.record(actor=actor, action="judging.entries_withdraw", obj=activity, organisation=activity.organiser,
                     after={"withdrawn": count})
    return count


@transaction.atomic
def panel_set(*, actor: Any, activity_id: int, judge_ids: Sequence[int], category: str = "",
              title: str = "") -> Panel:
    """Set the judges of the activity's panel (of one category when the plan has panels by category). Judges hold
    the judge role (评委)."""
    activity = activity_managed(actor, activity_id)
    judging_settings(activity)
    judges = list(User.objects.filter(pk__in=list(judge_ids), is_active=True))
    if len(judges) != len(set(judge_ids)):
        raise NotFound()
    refused = [user.get_username() for user in judges if not user.has_perm(SCORE)]
    if refused:
        raise PermissionDenied(_("Not judges (评委): %(names)s.") % {"names": ", ".join(refused)},
                               code=JudgingErrors.NOT_A_JUDGE, detail=refused)
    panel, _created = Panel.objects.get_or_create(
        activity=activity, category=category, defaults={"title": title or category or activity.title})
    if title and panel.title != title:
        panel.title = title
        panel.save(update_fields=["title"])
    before = sorted(PanelJudge.objects.filter(panel=panel).values_list("user_id", flat=True))
    PanelJudge.objects.filter(panel=panel).exclude(user_id__in=[u.pk for u in judges]).delete()
    PanelJudge.objects.bulk_create([PanelJudge(panel=panel, user=u) for u in judges], ignore_conflicts=True)
    oplog.record(actor=actor, action="judging.panel_set", obj=panel, organisation=activity.organiser,
                 before={"judges": before}, after={"judges": sorted(u.pk for u in judges), "category": category})
    return panel


@transaction.atomic
def conflict_declare(*, actor: Any, activity_id: int, judge_id: int, reason: str, entry_id: int | None = None,
                     organisation_id: int | None = None) -> DeclaredConflict:
    """A conflict of interest, declared by the judge themselves or by an admin of the activity: with one entry or
    with every entry of an organisation's subtree. Assignments of the pair not yet scored are removed."""
    if actor.pk == judge_id and actor.has_perm(SCORE):
        activity = Activity.objects.filter(pk=activity_id).select_related("organiser").first()
        if activity is None or not PanelJudge.objects.filter(panel__activity=activity, user=actor).exists():
            raise NotFound()
    else:
        activity = activity_managed(actor, activity_id, MANAGE)
    entry = Entry.objects.filter(pk=entry_id, activity=activity).first() if entry_id else None
    organisation = Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
    if (entry_id and entry is None) or (organisation_id and organisation is None) or not (entry or organisation):
        raise NotFound()
    conflict = DeclaredConflict.objects.create(activity=activity, judge_id=judge_id, entry=entry,
                                               organisation=organisation, reason=reason[:200], declared_by=actor)
    drop_conflicting(activity=activity, judge_id=judge_id)
    oplog.record(actor=actor, action="judging.conflict_declare", obj=conflict, organisation=activity.organiser,
                 after={"judge": judge_id, "entry": entry.blind_label if entry else None,
                        "organisation": str(organisation) if organisation else None, "reason": reason})
    return conflict
