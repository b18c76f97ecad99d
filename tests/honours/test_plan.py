"""Award rules in plan files: the Dunhuang awards in the format's terms, and a wrong rule reported at its line."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from suzhi.campaigns.plan.check import check_plan_text

ROOT = Path(__file__).resolve().parents[2]
PLAN = (ROOT / "plans" / "dunhuang-2024.yaml").read_text(encoding="utf-8")


def test_the_dunhuang_awards_are_written_in_the_formats_terms():
    plan, errors = check_plan_text(PLAN, check_db=False)
    assert errors == [] and plan is not None
    awards = {a.key: a for a in plan.awards}
    stars = awards["city-stars"]
    assert (stars.basis, stars.activity, stars.top, stars.per_ranking, stars.ties) == (
        "ranking", "city-contest", 10, True, "share")
    assert stars.title_by_ranking == {"计算机操作": "敦煌市技术标兵", "汽车驾驶": "敦煌市服务明星"}
    jiuquan = awards["jiuquan-stars"]
    assert (jiuquan.basis, jiuquan.top, jiuquan.per_ranking, jiuquan.recommend_to) == (
        "manual", 3, True, "酒泉市总工会")
    units = awards["units"]
    assert (units.basis, units.recipient, units.targets) == ("targets", "organisation", "all")


def test_the_command_validates_the_dunhuang_plan(tmp_path):
    env = {"DEBUG": "1", "PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    result = subprocess.run([sys.executable, "-m", "suzhi", "plan", "validate", "plans/dunhuang-2024.yaml"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _errors(old, new):
    assert old in PLAN
    with translation.override("en"):
        _plan, errors = check_plan_text(PLAN.replace(old, new, 1), check_db=False)
    return [(e.path, e.message, e.line) for e in errors]


def _line(text, needle, after=0):
    return text.splitlines().index(needle, after) + 1


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    ("    ties: share\n", "    ties: share\n    targets: all\n", "awards[0].targets",
     "“targets” does not apply to an award decided this way (basis)."),
    ("    ties: share\n", "    ties: decide\n", "awards[0].ties",
     "ties: decide needs tie_break, the rule that breaks a tie in words."),
    ("    basis: targets\n", "    basis: metric\n", "awards[2].basis", "An award decided this way needs “target”."),
    ("    recipient: organisation\n    basis: targets\n", "    basis: targets\n", "awards[2].recipient",
     "Awards by targets or by a metric go to units: set recipient: organisation."),
])
def test_a_wrong_rule_is_reported_at_its_field(old, new, path, message):
    (found_path, found_message, line), = _errors(old, new)
    assert (found_path, found_message) == (path, message)
    assert line is not None and line > _line(PLAN, "awards:")


def test_cross_references_of_rules_are_checked():
    titles = _errors("      汽车驾驶: 敦煌市服务明星\n", "      汽车驾驶: 敦煌市服务名星\n")
    text = PLAN.replace("      汽车驾驶: 敦煌市服务明星\n", "      汽车驾驶: 敦煌市服务名星\n")
    assert titles == [("awards[0].title_by_ranking.汽车驾驶", "“敦煌市服务名星” is not among the rule's titles.",
                       _line(text, "      汽车驾驶: 敦煌市服务名星"))]
    several = _errors("    title_by_ranking:\n      计算机操作: 敦煌市技术标兵\n      汽车驾驶: 敦煌市服务明星\n", "")
    assert [p for p, _m, _l in several] == ["awards[0].titles"]
    target = _errors("    targets: all\n", "    targets: [every-worker-trained, nothing]\n")
    assert [(p, m) for p, m, _l in target] == [("awards[2].targets[1]", "Unknown target “nothing”.")]
