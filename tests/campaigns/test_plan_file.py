"""The Dunhuang plan file (the seed's plan 1) is valid against the demo organisations, complete and loss-free,
and docs/plan-format.md names every field of the format."""

import datetime
import re
import types
import typing
from pathlib import Path

import pydantic
import pytest

from suzhi.campaigns import kinds
from suzhi.campaigns.plan.check import check_plan_text, plan_to_yaml
from suzhi.campaigns.plan.schema import Plan

ROOT = Path(__file__).resolve().parents[2]
PLAN_FILE = ROOT / "plans" / "dunhuang-2024.yaml"
DOC_FILE = ROOT / "docs" / "plan-format.md"


@pytest.fixture
def dunhuang(db):
    from suzhi.core.demo import load_demo

    load_demo()
    plan, errors = check_plan_text(PLAN_FILE.read_text(encoding="utf-8"))
    assert [str(e) for e in errors] == []
    assert plan is not None
    return plan


def test_phases_follow_the_seeds_timetable(dunhuang):
    dates = [(p.key, p.start, p.end) for p in dunhuang.phases]
    assert dates == [
        ("launch", datetime.date(2024, 4, 10), datetime.date(2024, 4, 20)),
        ("rollout", datetime.date(2024, 4, 20), datetime.date(2024, 5, 31)),
        ("finals", datetime.date(2024, 6, 1), datetime.date(2024, 6, 30)),
        ("province", datetime.date(2024, 7, 1), datetime.date(2024, 7, 31)),
    ]
    assert dunhuang.phases[1].description.startswith("各乡镇工会联合会、系统工会、市直工会组织辖区内")


def test_every_activity_of_the_plan_is_there(dunhuang):
    by_section = [(a.section, a.kind) for a in dunhuang.activities]
    assert by_section == [
        ("training", "training"), ("training", "quiz"), ("training", "training"),
        ("innovation", "collection"), ("innovation", "collection"), ("innovation", "collection"),
        ("contests", "competition"), ("contests", "competition"), ("contests", "competition"),
    ]
    activities = {a.key: a for a in dunhuang.activities}
    skills = activities["skills-training"]
    assert skills.org_types == []  # participants come from any unit; the stations organise
    assert set(skills.person_categories) == {"laid_off", "migrant", "in_post"}
    # Submitting stays open through the rollout (the demo day falls in it), reviewing opens with the rollout.
    assert activities["suggestions"].open_in == {"submit": ["launch", "rollout"], "review": ["rollout"]}
    assert activities["shuangchuang"].settings["item"] == "先进推荐"
    assert [e["title"] for e in activities["city-contest"].settings["events"]] == ["计算机操作", "汽车驾驶"]
    assert activities["city-contest"].open_in["score"] == ["finals"]
    assert all(a.description for a in dunhuang.activities)


def test_the_three_quantified_goals_are_targets(dunhuang):
    targets = {t.key: t for t in dunhuang.targets}
    assert len(targets) == 3
    each = targets["every-worker-trained"]
    assert (each.form, each.metric, each.threshold, each.at_least) == ("coverage", "training.participations", 100, 1)
    assert each.filter.person_categories == ["in_post"] and "1—2次" in each.text
    stations = targets["stations-300"]
    assert (stations.form, stations.metric, stations.threshold) == ("per_org", "training.people", 300)
    assert stations.per_org_types == ["training_station"]
    assert stations.filter.person_categories == ["laid_off", "migrant"]
    city = targets["city-10000"]
    assert (city.form, city.metric, city.threshold) == ("total", "training.people", 10000)
    assert set(city.filter.person_categories) == {"in_post", "laid_off", "migrant"}


def test_awards_and_requirements(dunhuang):
    awards = {a.key: a for a in dunhuang.awards}
    assert len(awards) == 3
    assert (awards["city-stars"].activity, awards["city-stars"].top) == ("city-contest", 10)
    assert awards["city-stars"].titles == ["敦煌市技术标兵", "敦煌市服务明星"]
    assert awards["jiuquan-stars"].top == 3 and "酒泉市技术标兵" in awards["jiuquan-stars"].titles
    assert awards["units"].recipient == "organisation"
    assert dunhuang.committee is not None
    assert dunhuang.committee.members == ["市总工会", "市人社局", "市工信局", "市科技局"]
    assert dunhuang.requirements.reporting is not None and dunhuang.requirements.reporting.to == "市总工会"
    assert "技术增添力量，劳动创造未来" in dunhuang.requirements.publicity


def test_round_trip_without_loss(dunhuang):
    again, errors = check_plan_text(plan_to_yaml(dunhuang))
    assert [str(e) for e in errors] == []
    assert again == dunhuang


def _models(annotation: object) -> typing.Iterator[type[pydantic.BaseModel]]:
    """The Pydantic models inside an annotation such as `list[Phase]` or `Reporting | None`."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        yield annotation
        return
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            yield from _models(argument)


def _field_names(model: type[pydantic.BaseModel], seen: set[type]) -> set[tuple[str, str]]:
    if model in seen:
        return set()
    seen.add(model)
    names = set()
    for name, info in model.model_fields.items():
        names.add((model.__name__, name))
        for inner in _models(info.annotation):
            names |= _field_names(inner, seen)
    return names


def test_the_documentation_names_every_field():
    text = DOC_FILE.read_text(encoding="utf-8")
    words = set(re.findall(r"`([^`\n]+)`", text))
    fields = _field_names(Plan, set())
    assert {model for model, _name in fields} >= {"Plan", "Phase", "Activity", "Target", "TargetFilter",
                                                  "AttributeRule", "AwardRule", "Requirements", "Reporting"}
    for manifest in kinds.kinds():
        fields |= _field_names(manifest.settings_schema, set())
        fields |= {(manifest.code, action) for action in manifest.actions}
        fields |= {(manifest.code, metric.code) for metric in manifest.metrics}
        fields.add(("kinds", manifest.code))
    missing = sorted(f"{model}.{name}" for model, name in fields if name not in words)
    assert missing == [], f"docs/plan-format.md does not mention: {', '.join(missing)}"
