"""Whether someone may do an action on an activity now (阶段控制与参与资格): the one decision every kind and
page asks.

The answer is yes, or a reason code with the Chinese sentence the page shows instead of the button
(“征集已于2024年4月20日截止”, “本活动仅面向企事业单位”). The rules, in order:

- the phases (`window`): the action is open on the day;
- who the activity is for (`person_eligibility`): inside the organiser's tree (and the tree of a kind's own
  organiser, a town's contest within a city-wide activity), of the activity's organisation types and person
  categories and, for a person taking part, on a roster and meeting the attribute rules (age from the ID number,
  gender, education, union member, political status, `extra.*`) of the activity's `settings.attributes` and of
  the kind's own (a contest's);
- `may_take_part` asks both for a person; `can` for a user (organisers' actions check the tree only).

Reason codes and their sentences are declared once, as `Reason`s in `REASONS`: the engine's here, a kind's own
(a full session, attempts used) in its rules module. The people a set of conditions keeps, as a query
(`person_q`), lives here too: targets count the people the same rules keep.
"""

import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from suzhi.campaigns import kinds
from suzhi.campaigns.error_codes import CampaignErrors
from suzhi.campaigns.models import Activity, Phase
from suzhi.campaigns.plan.schema import AttributeRule
from suzhi.core.error_codes import ErrorCodes
from suzhi.core.models import DictItem
from suzhi.people.error_codes import PeopleErrors
from suzhi.people.models import CATEGORY_DICT, Person

Memo = dict[Any, Any]


@dataclasses.dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str = ""
    message: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


@dataclasses.dataclass(frozen=True)
class Reason:
    """A reason an action is refused: its code (what the API and the pages' `data-code` carry) and its sentence,
    with %(name)s placeholders filled by `refuse`."""

    code: str
    sentence: str | Promise

    def refuse(self, **params: Any) -> Decision:
        message = str(self.sentence)
        return Decision(False, self.code, message % params if params else message)


REASONS: dict[str, Reason] = {}


def reason(code: ErrorCodes, sentence: str | Promise) -> Reason:
    """Give a declared error code (suzhi.core.error_codes, declared once by the app owning the rule) the sentence a
    refusal shows; a code gets one sentence."""
    if not isinstance(code, ErrorCodes):
        raise TypeError(f"reason code {code!r} must be a declared error code.")
    if code in REASONS:
        raise ValueError(f"reason code {code!r} already has a sentence.")
    REASONS[str(code)] = found = Reason(str(code), sentence)
    return found


NO_PERSON = reason(CampaignErrors.NO_PERSON, _("Your account is not linked to a person on a roster."))
UNKNOWN_ACTION = reason(CampaignErrors.UNKNOWN_ACTION, _("This activity has no such action."))
NOT_OPEN = reason(CampaignErrors.NOT_OPEN, _("%(action)s is not open in this campaign."))
NOT_STARTED = reason(CampaignErrors.NOT_STARTED, _("%(action)s opens on %(date)s."))
CLOSED = reason(CampaignErrors.CLOSED, _("%(action)s closed on %(date)s."))
OUTSIDE = reason(CampaignErrors.OUTSIDE, _("This activity is for %(org)s and the organisations below it."))
ORG_TYPE = reason(CampaignErrors.ORG_TYPE, _("This activity is only for %(types)s."))
CATEGORY = reason(CampaignErrors.CATEGORY, _("This activity is only for %(categories)s."))
INACTIVE = reason(PeopleErrors.INACTIVE, _("%(name)s has left the roster."))
ATTRIBUTES = reason(CampaignErrors.ATTRIBUTES, _("This activity is only for people with %(rules)s."))


# ---------------------------------------------------------------------------------------------------------------
# Attribute rules: the people they keep (a query) and how they read (“年龄 < 45”).

_OPS = {"eq": "", "lt": "__lt", "le": "__lte", "gt": "__gt", "ge": "__gte", "in": "__in"}
OP_SIGNS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "∈"}
Rule = AttributeRule | Mapping[str, Any]


def _as_dict(rule: Rule) -> dict[str, Any]:
    return rule.model_dump() if isinstance(rule, AttributeRule) else {"op": "eq", **rule}


def attribute_rules(activity: Activity | None, extra: Iterable[Rule] = ()) -> list[dict[str, Any]]:
    """The attribute rules a participant must meet: the activity's `settings.attributes` (any kind's settings
    may carry them), then `extra` (a kind's own, a contest's), each once."""
    found: list[dict[str, Any]] = []
    own = ((activity.settings or {}).get("attributes") or []) if activity is not None else []
    for rule in [*own, *extra]:
        item = _as_dict(rule)
        if item not in found:
            found.append(item)
    return found


def born_by(reference: datetime.date, years: int) -> datetime.date:
    """The last birth date of someone `years` old (completed years) on `reference`."""
    try:
        return reference.replace(year=reference.year - years)
    except ValueError:  # 29 February
        return reference.replace(year=reference.year - years, day=28)


def attribute_q(rule: Rule, prefix: str, reference: datetime.date) -> Q:
    """The people a rule keeps; `prefix` reaches the person ("" or "person__"). The age is in completed years on
    the reference day, from the birth date the resident ID number gives (no birth date: no age rule is met)."""
    item = _as_dict(rule)
    field, op, value = item["field"], item.get("op") or "eq", item.get("value")
    if field == "age":
        # age >= n  <=>  born on or before reference - n years.
        n = int(value or 0)
        at_least = {"ge": n, "gt": n + 1}
        below = {"lt": n, "le": n + 1}
        if op in at_least:
            return Q(**{f"{prefix}birth_date__lte": born_by(reference, at_least[op])})
        if op in below:
            return Q(**{f"{prefix}birth_date__gt": born_by(reference, below[op])})
        exact = Q(**{f"{prefix}birth_date__gt": born_by(reference, n + 1),
                     f"{prefix}birth_date__lte": born_by(reference, n)})
        return ~exact if op == "ne" else exact
    if field.startswith("extra."):
        lookup = f"{prefix}extra__{field[len('extra.'):]}"
    elif field in ("education", "political_status"):
        lookup = f"{prefix}{field}__code"
    else:
        lookup = f"{prefix}{field}"
    if op == "ne":
        return ~Q(**{lookup: value})
    return Q(**{f"{lookup}{_OPS[op]}": value})


def category_ids(codes: Iterable[str]) -> list[int]:
    """The ids of the person categories with these codes (one query; none without codes)."""
    codes = list(codes)
    if not codes:
        return []
    return list(DictItem.objects.filter(dict_type__code=CATEGORY_DICT, code__in=codes).values_list("pk", flat=True))


def category_key_q(ids: Iterable[int], field: str) -> Q:
    """Holding any of these categories, by a category key (`Person.category_key` or a tally's copy of it)."""
    q = Q()
    for pk in ids:
        q |= Q(**{f"{field}__contains": f",{pk},"})
    return q


def person_q(filter_: Mapping[str, Any], prefix: str, reference: datetime.date) -> Q:
    """The people a filter keeps (a target's, or who an activity is for): holding any of its
    `person_categories` and meeting all its `attributes`; `prefix` reaches the person ("" or "person__")."""
    q = Q()
    categories = filter_.get("person_categories") or []
    if categories:
        # The key on the person row rather than a join to the category links: no second table of a million rows.
        # No category known by those codes keeps nobody.
        q &= category_key_q(category_ids(categories), f"{prefix}category_key") or Q(pk__in=[])
    for rule in filter_.get("attributes") or []:
        q &= attribute_q(rule, prefix, reference)
    return q


def eligible_q(activity: Activity, reference: datetime.date, *, categories: Sequence[str] | None = None,
               attributes: Iterable[Rule] = ()) -> Q:
    """The people `person_eligibility` lets take part in the activity, as a query on people: on a roster, of its
    organisation types, categories (`categories` replacing the activity's) and attribute rules on the day
    `reference`. The organisers' trees are the caller's (a path prefix)."""
    q = Q(is_active=True)
    if activity.org_types:
        q &= Q(organisation__org_type__code__in=activity.org_types)
    wanted = list(activity.person_categories or []) if categories is None else list(categories)
    return q & person_q({"person_categories": wanted, "attributes": attribute_rules(activity, attributes)}, "",
                        reference)


def field_label(field: str) -> str:
    labels = {"age": _("age"), "gender": _("gender"), "union_member": _("union member"),
              "education": _("education"), "political_status": _("political status")}
    return str(labels.get(field, field.removeprefix("extra.")))


def describe_attributes(rules: Iterable[Rule]) -> str:
    """The rules as people read them: “年龄 < 45, 性别 = F”."""
    separator = pgettext("list separator", ", ")
    parts = []
    for rule in rules:
        item = _as_dict(rule)
        value = item.get("value")
        if isinstance(value, list):
            value = separator.join(str(v) for v in value)
        parts.append(f"{field_label(item['field'])} {OP_SIGNS[item.get('op') or 'eq']} {value}")
    return separator.join(parts)


# ---------------------------------------------------------------------------------------------------------------
# The phases.

def _day(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _labels(dict_code: str, codes: Sequence[str], memo: Memo) -> str:
    key = ("labels", dict_code, tuple(codes))
    if key not in memo:
        labels = dict(DictItem.objects.filter(dict_type__code=dict_code, code__in=codes).values_list("code", "label"))
        memo[key] = pgettext("list separator", ", ").join(labels.get(code, code) for code in codes)
    return str(memo[key])


def action_window(activity: Activity, action: str, phases: list[Phase]) -> list[tuple[datetime.date, datetime.date]]:
    """The date ranges (inclusive) in which the action is open, in order."""
    keys = set((activity.open_in or {}).get(action, []))
    return sorted((p.starts_on, p.effective_end) for p in phases if p.key in keys)


def _local_day(at: datetime.date | datetime.datetime | None) -> datetime.date:
    return timezone.localdate(at) if isinstance(at, datetime.datetime) else (at or timezone.localdate())


def window(action: str, activity: Activity, at: datetime.date | datetime.datetime | None = None,
           phases: list[Phase] | None = None) -> Decision:
    """Whether the action is open on the day `at`, by the phases alone. Phases are calendar days in the
    campaign's time zone (Asia/Shanghai): a moment is first turned into that day, and the default is now.
    `phases`: the campaign's, when a list of activities read them once."""
    manifest = kinds.kind(activity.kind)
    if manifest is None or action not in manifest.actions:
        return UNKNOWN_ACTION.refuse()
    label = str(manifest.actions[action])
    today = _local_day(at)
    if phases is None:
        phases = list(Phase.objects.filter(campaign_id=activity.campaign_id))
    windows = action_window(activity, action, phases)
    if not windows:
        return NOT_OPEN.refuse(action=label)
    if not any(start <= today <= end for start, end in windows):
        later = [start for start, _end in windows if start > today]
        if later:
            return NOT_STARTED.refuse(action=label, date=_day(min(later)))
        return CLOSED.refuse(action=label, date=_day(max(end for _start, end in windows)))
    return ALLOWED


# ---------------------------------------------------------------------------------------------------------------
# Who the activity is for.

def _outside(organisation: Any, organisers: Sequence[Any]) -> Decision | None:
    for organiser in organisers:
        if organisation is None or not organisation.path.startswith(organiser.path):
            return OUTSIDE.refuse(org=organiser.name)
    if organisation is None:
        return OUTSIDE.refuse(org="")
    return None


def _meets(person: Person, rules: list[dict[str, Any]], day: datetime.date, memo: Memo) -> bool:
    key = ("attributes", person.pk, repr(rules), day)
    if key not in memo:
        memo[key] = Person.objects.filter(pk=person.pk).filter(person_q({"attributes": rules}, "", day)).exists()
    return bool(memo[key])


def person_eligibility(organisation: Any, person: Person | None, activity: Activity, *, participant: bool = True,
                       categories: Sequence[str] | None = None, organiser: Any = None,
                       attributes: Iterable[Rule] = (), at: datetime.date | datetime.datetime | None = None,
                       memo: Memo | None = None) -> Decision:
    """Whether `organisation` (and `person`, who takes part for it) is among those the activity is for.

    Always: inside the activity organiser's tree and, if given, `organiser`'s (the kind's own organiser: a town's
    contest in a city-wide activity). For participants (`participant`): of the activity's organisation types and
    of `categories` (default the activity's person categories; a training session's own replace them) and, for a
    person, on a roster and meeting the activity's attribute rules and `attributes` on the day `at`.
    `memo`: a dict kept across the calls of one page (one person, many activities) so that the organisation's
    type, the person's categories, an attribute check and the labels of a refusal are read once."""
    memo = {} if memo is None else memo
    organisers = [o for o in (activity.organiser if activity.organiser_id else None, organiser) if o is not None]
    refused = _outside(organisation, organisers)
    if refused is not None:
        return refused
    if not participant:
        return ALLOWED
    if activity.org_types:
        key = ("org_type", organisation.org_type_id)
        if key not in memo:
            memo[key] = DictItem.objects.filter(pk=organisation.org_type_id).values_list("code", flat=True).first()
        if memo[key] not in activity.org_types:
            return ORG_TYPE.refuse(types=_labels("org_type", activity.org_types, memo))
    wanted = list(activity.person_categories or []) if categories is None else list(categories)
    if wanted:
        held: set[str] = set()
        if person is not None:
            key = ("categories", person.pk)
            if key not in memo:
                memo[key] = set(person.categories.values_list("code", flat=True))
            held = memo[key]
        if not held & set(wanted):
            return CATEGORY.refuse(categories=_labels(CATEGORY_DICT, wanted, memo))
    if person is not None and not person.is_active:
        return INACTIVE.refuse(name=person.name)
    rules = attribute_rules(activity, attributes)
    if rules and (person is None or not _meets(person, rules, _local_day(at), memo)):
        return ATTRIBUTES.refuse(rules=describe_attributes(rules))
    return ALLOWED


def may_take_part(person: Person | None, action: str, activity: Activity, *,
                  at: datetime.date | datetime.datetime | None = None, phases: list[Phase] | None = None,
                  phased: bool = True, categories: Sequence[str] | None = None, organiser: Any = None,
                  attributes: Iterable[Rule] = (), memo: Memo | None = None) -> Decision:
    """Whether `person` may take the participant `action` (报名, 答题, 提交) in `activity` now (or on `at`): the one
    decision for people taking part. The phases, then who the activity is for (`person_eligibility`).

    `phased=False` leaves out the phases (an organiser recording who attended a session that has started).
    `phases` (the campaign's) and `memo` let a list of sessions or contests decide without a query per row."""
    if person is None:
        return NO_PERSON.refuse()
    if phased:
        decision = window(action, activity, at, phases)
        if not decision:
            return decision
    return person_eligibility(person.organisation, person, activity, categories=categories, organiser=organiser,
                              attributes=attributes, at=at, memo=memo)


def can(user: Any, action: str, activity: Activity, at: datetime.date | datetime.datetime | None = None,
        phases: list[Phase] | None = None) -> Decision:
    """May `user` do `action` on `activity` now (or on the day `at`)? The phases first, then who it is for."""
    decision = window(action, activity, at, phases)
    if not decision:
        return decision
    manifest = kinds.kind(activity.kind)
    participant = manifest is not None and action in manifest.participant_actions
    return eligibility(user, activity, participant=participant, at=at)


def eligibility(user: Any, activity: Activity, *, participant: bool = True,
                at: datetime.date | datetime.datetime | None = None) -> Decision:
    """Whether the user's organisation (and, for the actions people take part by, its type and the person's
    categories and attributes) fall within who the activity is for."""
    if getattr(user, "is_superuser", False):
        return ALLOWED
    person = getattr(user, "person", None) if participant else None
    return person_eligibility(getattr(user, "organisation", None), person, activity, participant=participant, at=at)
