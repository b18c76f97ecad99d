"""The kind registry, driven by the documented example kind in example_kind.py."""

import datetime

import pytest
import yaml

from suzhi.campaigns import kinds
from suzhi.campaigns.eligibility import can
from suzhi.campaigns.models import TargetValue
from suzhi.campaigns.plan.check import check_plan_text
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.targets import targets_refresh
from tests.campaigns.example_kind import reading_report
from tests.campaigns.factories import plan_data
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db


def _reading_plan(**settings):
    data = plan_data()
    data["activities"].append({"key": "books", "kind": "reading", "title": "职工读书活动",
                               "open_in": {"report": ["launch", "rollout"]}, "settings": settings})
    data["targets"].append({"key": "pages", "title": "全市阅读十万页", "metric": "reading.pages", "form": "total",
                            "threshold": 100000, "activity": "books", "deadline": "rollout"})
    return yaml.safe_dump(data, allow_unicode=True)


def test_the_engine_knows_the_shipped_kinds():
    assert {k.code for k in kinds.kinds()} >= {"training", "quiz", "collection", "competition"}
    assert kinds.metric("training.hours").aggregate == kinds.Aggregate.SUM
    assert kinds.metric("nothing.here") is None


def test_metric_codes_must_carry_the_kind():
    with pytest.raises(ValueError):
        kinds.register_kind(kinds.KindManifest(code="x", label="x", actions={},
                                               metrics=(kinds.Metric("y.count", "y", kinds.Aggregate.COUNT),)))
    assert kinds.kind("x") is None


def test_an_unregistered_kind_is_unknown(tree):
    _plan, errors = check_plan_text(_reading_plan())
    assert [e.path for e in errors] == ["activities[2].kind", "targets[1].metric"]


def test_a_registered_kind_plugs_in(tree, reading_kind):
    _plan, errors = check_plan_text(_reading_plan(pages_per_report="many"))
    assert [e.path for e in errors] == ["activities[2].settings.pages_per_report"]
    campaign = plan_load(actor=tree.committee_admin, text=_reading_plan(books=["平凡的世界"]))
    books = campaign.activities.get(key="books")
    assert can(tree.unit_a_admin, "report", books, at=datetime.date(2024, 4, 12)).allowed
    reader = make_person("王五", tree.unit_a)
    reading_report(activity=books, person=reader, day=datetime.date(2024, 4, 12), pages=120, number=1)
    reading_report(activity=books, person=reader, day=datetime.date(2024, 4, 13), pages=80, number=2)
    targets_refresh(actor=None, campaign_id=campaign.pk)
    value = TargetValue.objects.get(target__key="pages", organisation=tree.committee)
    assert value.value == 200
