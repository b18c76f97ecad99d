"""Plan validation: every error with its field path and the line in the file."""

import pytest

from suzhi.campaigns.plan.check import check_plan_text, plan_to_yaml
from tests.campaigns.factories import plan_data, plan_yaml

pytestmark = pytest.mark.django_db


def _errors(text: str) -> list[str]:
    _plan, errors = check_plan_text(text)
    return [str(e) for e in errors]


def test_valid_plan_has_no_errors(tree):
    plan, errors = check_plan_text(plan_yaml())
    assert errors == [] and plan is not None and plan.phases[1].key == "rollout"


def test_unknown_phase_names_path_and_line(tree):
    text = plan_yaml().replace("- rollout\n    check_in", "- finals2\n    check_in")
    plan, errors = check_plan_text(text)
    assert len(errors) == 1
    error = errors[0]
    assert error.path == "activities[0].open_in.enroll[1]"
    assert "finals2" in error.message
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "finals2" in row)
    assert error.line == line


def test_schema_errors_are_reported_together_with_lines(tree):
    text = plan_yaml().replace("year: 2024", "year: 二〇二四").replace("  title: 启动阶段\n", "  titel: 启动阶段\n")
    _plan, errors = check_plan_text(text)
    by_path = {e.path: e for e in errors}
    assert set(by_path) == {"year", "phases[0].title", "phases[0].titel"}
    assert by_path["year"].line == text.splitlines().index("year: 二〇二四") + 1
    with __import__("django").utils.translation.override("en"):
        _plan, errors = check_plan_text(text)
        messages = {e.path: e.message for e in errors}
        assert messages["phases[0].titel"] == "Unknown field."
        assert messages["phases[0].title"] == "This field is required."
        assert str(errors[0]).endswith(")") and "(line " in str(errors[0])


def test_chinese_messages_by_default(tree):
    text = plan_yaml().replace("kind: collection", "kind: voting")
    messages = _errors(text)
    assert len(messages) == 1
    assert "activities[1].kind" in messages[0] and "voting" in messages[0] and "行" in messages[0]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["phases"].append(dict(d["phases"][0])), "phases[3].key"),
        (lambda d: d["activities"][0].update(section="nowhere"), "activities[0].section"),
        (lambda d: d["activities"][0]["open_in"].update(vote=["launch"]), "activities[0].open_in.vote"),
        (lambda d: d["activities"][0]["settings"].update(default_hours=-1), "activities[0].settings.default_hours"),
        (lambda d: d["activities"][0]["settings"].update(colour="red"), "activities[0].settings.colour"),
        (lambda d: d["activities"][1].update(org_types=["spaceship"]), "activities[1].org_types[0]"),
        (lambda d: d["activities"][1].update(person_categories=["pilot"]), "activities[1].person_categories[0]"),
        (lambda d: d.update(organiser="NOWHERE"), "organiser"),
        (lambda d: d["targets"][0].update(metric="training.smiles"), "targets[0].metric"),
        (lambda d: d["targets"][0].update(deadline="later"), "targets[0].deadline"),
        (lambda d: d["targets"][0].update(activity="suggestions"), "targets[0].metric"),
        (lambda d: d["targets"][0].update(form="per_org"), "targets[0].per_org_types"),
        (lambda d: d["targets"][0].update(form="coverage", threshold=120), "targets[0].threshold"),
        (lambda d: d["targets"][0].update(filter={"attributes": [{"field": "shoe_size", "value": 40}]}),
         "targets[0].filter.attributes[0].field"),
        (lambda d: d["targets"][0].update(filter={"attributes": [{"field": "age", "op": "lt", "value": "45岁"}]}),
         "targets[0].filter.attributes[0].value"),
        (lambda d: d["targets"][0].update(filter={"attributes": [{"field": "gender", "op": "in", "value": "F"}]}),
         "targets[0].filter.attributes[0].value"),
        (lambda d: d["awards"][0].update(activity="nothing"), "awards[0].activity"),
        (lambda d: d["phases"][0].update(end=d["phases"][0]["start"].replace(day=1)), "phases[0].end"),
        (lambda d: d.update(phases=[]), "phases"),
        (lambda d: d.update(code="Has Spaces"), "code"),
    ],
)
def test_each_cross_reference_error(tree, change, path):
    import yaml

    data = plan_data()
    change(data)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    _plan, errors = check_plan_text(text)
    assert [e.path for e in errors] == [path], [str(e) for e in errors]
    assert errors[0].line is not None and errors[0].message


def test_yaml_syntax_error_has_a_line(tree):
    _plan, errors = check_plan_text("code: x\ntitle: [unclosed\nyear: 2024\n")
    assert len(errors) == 1 and errors[0].line is not None and errors[0].path == ""


def test_not_a_mapping(tree):
    _plan, errors = check_plan_text("- just\n- a list\n")
    assert len(errors) == 1 and errors[0].line == 1


def test_round_trip_without_loss(tree):
    plan, _errors = check_plan_text(plan_yaml())
    again, errors = check_plan_text(plan_to_yaml(plan))
    assert errors == [] and again == plan


def _quiz_activity(attributes):
    return {"key": "contest", "kind": "quiz", "title": "知识竞赛", "open_in": {"attempt": ["rollout"]},
            "settings": {"time_limit_minutes": 20, "attributes": attributes}}


def _with_activity(activity):
    import yaml

    data = plan_data()
    data["activities"].append(activity)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize(("attributes", "path", "needle", "message"), [
    ([{"field": "agee", "op": "lt", "value": 45}], "activities[2].settings.attributes[0].field", "field: agee",
     "未知的人员属性“agee”"),
    ([{"field": "age", "op": "lt", "value": "四十五"}], "activities[2].settings.attributes[0].value", "value: 四十五",
     "年龄须与整数岁数比较。"),
    ([{"field": "gender", "value": "F"}, {"field": "education", "op": "in", "value": "bachelor"}],
     "activities[2].settings.attributes[1].value", "value: bachelor", "“in”须给出一个取值列表。"),
])
def test_activity_settings_attribute_rules_are_checked_like_target_filters(tree, attributes, path, needle, message):
    text = _with_activity(_quiz_activity(attributes))
    _plan, errors = check_plan_text(text)
    assert [e.path for e in errors] == [path]
    assert message in errors[0].message
    assert errors[0].line == next(n for n, row in enumerate(text.splitlines(), start=1) if needle in row)


@pytest.mark.parametrize("kind", ["training", "collection", "competition"])
def test_any_kinds_settings_may_carry_attribute_rules(tree, kind):
    """Kinds whose settings do not declare `attributes` (a collection's) take them too, checked the same way."""
    good = {"key": "extra", "kind": kind, "title": "面向青年", "settings": {
        "attributes": [{"field": "age", "op": "lt", "value": 35}, {"field": "extra.工种", "value": "电工"}]}}
    plan, errors = check_plan_text(_with_activity(good))
    assert errors == [] and plan is not None and plan.activities[2].settings["attributes"][0]["value"] == 35
    bad = {**good, "settings": {"attributes": [{"field": "shoe_size", "value": 40},
                                               {"field": "age", "op": "about", "value": 3}]}}
    _plan, errors = check_plan_text(_with_activity(bad))
    assert {e.path for e in errors} == {"activities[2].settings.attributes[0].field",
                                        "activities[2].settings.attributes[1].op"}
    assert all(e.line is not None for e in errors)


def test_settings_attribute_errors_come_with_the_kinds_own(tree):
    activity = {"key": "extra", "kind": "collection", "title": "征集", "settings": {
        "max_per_person": 0, "attributes": [{"field": "agee", "value": 1}]}}
    _plan, errors = check_plan_text(_with_activity(activity))
    assert {e.path for e in errors} == {"activities[2].settings.max_per_person",
                                        "activities[2].settings.attributes[0].field"}
