"""The registry of activity kinds (活动类型). Each kind's app registers a manifest in `AppConfig.ready()`;
the campaign engine reads manifests and never imports a kind.

A manifest names the kind, gives the Pydantic model its `settings:` block in a plan file must satisfy,
the actions a plan can open in phases (报名, 签到, 答题, 提交, 评审 …), and the metrics the kind provides to
targets. Metric values are the rows the kind writes to `MetricRecord` (through `metric_record`), so one
grouped query computes any metric for every organisation.
"""

import dataclasses
import enum

from django.utils.functional import Promise
from pydantic import BaseModel, ConfigDict


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


@dataclasses.dataclass(frozen=True)
class KindManifest:
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

    def metric(self, code: str) -> Metric | None:
        return next((m for m in self.metrics if m.code == code), None)


_KINDS: dict[str, KindManifest] = {}


def register_kind(manifest: KindManifest) -> None:
    if not manifest.participant_actions <= set(manifest.actions):
        raise ValueError(f"participant actions of {manifest.code!r} must be among its actions.")
    for metric in manifest.metrics:
        if not metric.code.startswith(f"{manifest.code}."):
            raise ValueError(f"metric {metric.code!r} must start with {manifest.code!r}.")
    _KINDS[manifest.code] = manifest


def unregister_kind(code: str) -> None:
    """For tests that register an example kind."""
    _KINDS.pop(code, None)


def kind(code: str) -> KindManifest | None:
    return _KINDS.get(code)


def kinds() -> list[KindManifest]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def metric(code: str) -> Metric | None:
    manifest = _KINDS.get(code.split(".", 1)[0])
    return manifest.metric(code) if manifest else None
