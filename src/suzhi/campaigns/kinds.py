"""The registry of activity kinds (活动类型). Each kind's app registers a manifest in `AppConfig.ready()`;
the campaign engine reads manifests and never imports a kind.

A manifest names the kind, gives the Pydantic model its `settings:` block in a plan file must satisfy,
the actions a plan can open in phases (报名, 签到, 答题, 提交, 评审 …), and the metrics the kind provides to
targets. Metric values are the rows the kind writes to `MetricRecord` (through `metric_record`), so one
grouped query computes any metric for every organisation.

A `KindManifest` is also an `AppManifest` (core/manifests.py): the same one registration declares the kind's
permissions, log labels, menu entries, pages and API (mounted by the platform), organisation-usage counters and
demo data; and, for the engine, how the demo's dates move, the link from an activity on the campaign page to the
kind's own page, and the kind's ranked results (campaigns/results.py) that honours read.
"""

import dataclasses
import enum
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from pydantic import BaseModel, ConfigDict

from suzhi.core.manifests import AppManifest, register_app, unregister_app


class Aggregate(enum.StrEnum):
    """How a metric's records add up."""

    PEOPLE = "people"  # distinct persons (人数)
    COUNT = "count"  # records (人次, 件数)
    SUM = "sum"  # the sum of the records' quantities (学时, 分数)
    PER_PERSON = "per_person"  # the sum of the quantities per person who has any (人均学时)


@dataclasses.dataclass(frozen=True)
class Metric:
    code: str  # "training.people": the kind's code, a dot, the metric's own name
    label: str | Promise
    aggregate: Aggregate
    unit: str | Promise = ""
    # A metric derived from another's records (人均学时 from 学时): kinds write records of the source only.
    source: str = ""

    @property
    def records_metric(self) -> str:
        return self.source or self.code


class NoSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclasses.dataclass(frozen=True, kw_only=True)
class KindManifest(AppManifest):
    code: str
    label: str | Promise
    actions: dict[str, str | Promise]
    metrics: tuple[Metric, ...] = ()
    settings_schema: type[BaseModel] = NoSettings
    description: str | Promise = ""
    # The actions people take part by (报名, 签到, 答题, 提交): only these are limited to the activity's
    # organisation types and person categories. The others (开班, 评审, 评分) are the organisers', governed by
    # their permissions.
    participant_actions: frozenset[str] = frozenset()
    # Dotted paths, imported when first used: `demo_shift(campaign, delta)` moves the kind's demo dates with the
    # campaign's; `activity_url(activity, user) -> str | None` is the kind's page for an activity, when `user` may
    # see it; `results(activity,
    # subject=, within=)` its ranked results (campaigns/results.py); `judged_content(activity, sources, *, blind)`
    # -> {source: suzhi.judging.content.JudgedContent}: what expert judges see of the entries the kind handed to
    # judging (without authors, organisations or nominees when `blind`); `judged_categories(activity)` -> {category
    # key: title} when the categories the kind gives its entries are keys of its settings (a competition's events).
    demo_shift: str = ""
    activity_url: str = ""
    results: str = ""
    judged_content: str = ""
    judged_categories: str = ""

    def metric(self, code: str) -> Metric | None:
        return next((m for m in self.metrics if m.code == code), None)

    def url_for(self, activity: Any, user: Any) -> str | None:
        """The kind's own page for `activity`, or None when the kind has none or `user` may not see it."""
        if not self.activity_url:
            return None
        return import_string(self.activity_url)(activity, user)


_KINDS: dict[str, KindManifest] = {}


def register_kind(manifest: KindManifest) -> None:
    if not manifest.participant_actions <= set(manifest.actions):
        raise ValueError(f"participant actions of {manifest.code!r} must be among its actions.")
    for metric in manifest.metrics:
        if not metric.code.startswith(f"{manifest.code}."):
            raise ValueError(f"metric {metric.code!r} must start with {manifest.code!r}.")
    register_app(manifest, name=f"kind {manifest.code}")
    if manifest.demo_shift:
        from suzhi.campaigns.demo import register_shift

        register_shift(import_string(manifest.demo_shift))
    _KINDS[manifest.code] = manifest


def unregister_kind(code: str) -> None:
    """For tests that register an example kind."""
    manifest = _KINDS.pop(code, None)
    if manifest is not None:
        unregister_app(manifest)


def kind(code: str) -> KindManifest | None:
    return _KINDS.get(code)


def kinds() -> list[KindManifest]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def metric(code: str) -> Metric | None:
    manifest = _KINDS.get(code.split(".", 1)[0])
    return manifest.metric(code) if manifest else None
