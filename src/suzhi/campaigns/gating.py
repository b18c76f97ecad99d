"""Whether a user may do an action on an activity now (阶段控制): the one function every kind and page asks.

The answer is yes, or a reason code with the Chinese sentence the page shows instead of the button
(“征集已于2024年4月20日截止”, “本活动仅面向企事业单位”).
"""

import dataclasses
import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from suzhi.campaigns import kinds
from suzhi.campaigns.models import Activity, Phase
from suzhi.core.models import DictItem


@dataclasses.dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str = ""
    message: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _labels(dict_code: str, codes: list[str]) -> str:
    labels = dict(DictItem.objects.filter(dict_type__code=dict_code, code__in=codes).values_list("code", "label"))
    return pgettext("list separator", ", ").join(labels.get(code, code) for code in codes)


def action_window(activity: Activity, action: str, phases: list[Phase]) -> list[tuple[datetime.date, datetime.date]]:
    """The date ranges (inclusive) in which the action is open, in order."""
    keys = set((activity.open_in or {}).get(action, []))
    return sorted((p.starts_on, p.effective_end) for p in phases if p.key in keys)


def window(action: str, activity: Activity, at: datetime.date | datetime.datetime | None = None,
           phases: list[Phase] | None = None) -> Decision:
    """Whether the action is open on the day `at`, by the phases alone. Phases are calendar days in the
    campaign's time zone (Asia/Shanghai): a moment is first turned into that day, and the default is now."""
    manifest = kinds.kind(activity.kind)
    if manifest is None or action not in manifest.actions:
        return Decision(False, "unknown_action", _("This activity has no such action."))
    label = str(manifest.actions[action])
    today = timezone.localdate(at) if isinstance(at, datetime.datetime) else (at or timezone.localdate())
    if phases is None:
        phases = list(Phase.objects.filter(campaign_id=activity.campaign_id))
    windows = action_window(activity, action, phases)
    if not windows:
        return Decision(False, "not_open", _("%(action)s is not open in this campaign.") % {"action": label})
    if not any(start <= today <= end for start, end in windows):
        later = [start for start, _end in windows if start > today]
        if later:
            return Decision(False, "not_started", _("%(action)s opens on %(date)s.")
                            % {"action": label, "date": _day(min(later))})
        return Decision(False, "closed", _("%(action)s closed on %(date)s.")
                        % {"action": label, "date": _day(max(end for _start, end in windows))})
    return ALLOWED


def can(user: Any, action: str, activity: Activity, at: datetime.date | datetime.datetime | None = None,
        phases: list[Phase] | None = None) -> Decision:
    """May `user` do `action` on `activity` now (or on the day `at`)? The phases first, then who it is for."""
    decision = window(action, activity, at, phases)
    if not decision:
        return decision
    manifest = kinds.kind(activity.kind)
    participant = manifest is not None and action in manifest.participant_actions
    return eligibility(user, activity, participant=participant)


def eligibility(user: Any, activity: Activity, *, participant: bool = True) -> Decision:
    """Whether the user's organisation (and, for the actions people take part by, its type and the person's
    categories) fall within who the activity is for."""
    if getattr(user, "is_superuser", False):
        return ALLOWED
    person = getattr(user, "person", None) if participant else None
    return person_eligibility(getattr(user, "organisation", None), person, activity, participant=participant)


def person_eligibility(organisation: Any, person: Any, activity: Activity, *, participant: bool = True,
                       categories: list[str] | None = None) -> Decision:
    """The same rules for a person (or an organisation acting): inside the organiser's tree, and for
    participants of the activity's organisation types and `categories` (default the activity's)."""
    organiser = activity.organiser if activity.organiser_id else None
    if organisation is None or (organiser is not None and not organisation.path.startswith(organiser.path)):
        name = organiser.name if organiser is not None else ""
        return Decision(False, "outside", _("This activity is for %(org)s and the organisations below it.")
                        % {"org": name})
    if not participant:
        return ALLOWED
    if activity.org_types:
        org_type = DictItem.objects.filter(pk=organisation.org_type_id).values_list("code", flat=True).first()
        if org_type not in activity.org_types:
            return Decision(False, "org_type", _("This activity is only for %(types)s.")
                            % {"types": _labels("org_type", activity.org_types)})
    wanted = activity.person_categories if categories is None else categories
    if wanted:
        held = set(person.categories.values_list("code", flat=True)) if person is not None else set()
        if not held & set(wanted):
            return Decision(False, "category", _("This activity is only for %(categories)s.")
                            % {"categories": _labels("person_category", wanted)})
    return ALLOWED
