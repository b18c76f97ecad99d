"""A kind embeds JudgingSettings in its settings: the plan check reports a bad rubric at its line."""

import pytest
import yaml
from django.utils import translation

from suzhi.campaigns.kinds import KindManifest, register_kind, unregister_kind
from suzhi.campaigns.plan.check import check_plan_text
from suzhi.campaigns.plan.schema import PlanModel
from suzhi.judging.rubric import JudgingSettings
from tests.campaigns.factories import plan_data
from tests.judging.factories import RUBRIC


class JudgedSettings(PlanModel):
    judging: JudgingSettings | None = None


JUDGED = KindManifest(code="judged", label="评审测试", actions={"judge": "评审"}, settings_schema=JudgedSettings)


@pytest.fixture
def judged_kind():
    register_kind(JUDGED)
    yield
    unregister_kind("judged")


def _plan(judging):
    data = plan_data()
    data["activities"] = [{"key": "works", "kind": "judged", "title": "作品评审", "settings": {"judging": judging}}]
    data["targets"] = []
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _line(text, needle):
    return next(n for n, row in enumerate(text.splitlines(), start=1) if row.strip(" -") == needle)


def test_a_good_rubric_passes(tree, judged_kind):
    assert check_plan_text(_plan({"rubric": RUBRIC, "aggregation": "trimmed", "trim": 1}))[1] == []


@pytest.mark.parametrize(("judging", "path", "needle", "words"), [
    ({"rubric": [{**RUBRIC[0], "weight": 40}, *RUBRIC[1:]]}, "activities[0].settings.judging.rubric", "rubric:",
     "add up to 110"),
    ({"rubric": [*RUBRIC[:3], {**RUBRIC[3], "key": "tech"}]}, "activities[0].settings.judging.rubric", "rubric:",
     "Two criteria have the key “tech”"),
    ({"rubric": RUBRIC, "aggregation": "trimmed", "trim": 3}, "activities[0].settings.judging.trim", "trim: 3",
     "min_judges_for_trim"),
    ({"rubric": [*RUBRIC[:3], {**RUBRIC[3], "bands": [{"min_score": 5, "max_score": 2}]}]},
     "activities[0].settings.judging.rubric[3].bands[0].max_score", "max_score: 2", "below its min_score"),
    ({"rubric": [*RUBRIC[:3], {**RUBRIC[3], "weight": 0}]}, "activities[0].settings.judging.rubric[3].weight",
     "weight: 0", "greater than 0"),
])
def test_bad_rubrics_are_reported_at_their_line(tree, judged_kind, judging, path, needle, words):
    text = _plan(judging)
    with translation.override("en"):
        _plan_obj, errors = check_plan_text(text)
    assert [e.path for e in errors] == [path]
    assert words in errors[0].message
    assert errors[0].line == _line(text, needle)
