"""The operation log reads in Chinese: every action, object type and detail key the services write has a label
(suzhi.core.oplog_actions), and the log's page, API and export show the labels, not the codes."""

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from suzhi.core import oplog_actions
from suzhi.core.models import OperationLog
from tests import oplog_seen

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2] / "src" / "suzhi"
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _constants(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def _actions_in_source() -> tuple[set[str], list[str]]:
    """Every action code the code gives the log: `action=` arguments, and values assigned to `action` before
    a call that passes it on; with the calls whose action this cannot read."""
    found: set[str] = set()
    unreadable: list[str] = []
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            gives_action = (isinstance(node, ast.keyword) and node.arg == "action") or (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "action" for t in node.targets))
            if gives_action:
                found.update(v for v in _constants(node.value) if ACTION.match(v))  # type: ignore[attr-defined]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr == "record" and isinstance(node.func.value, ast.Name)
                  and node.func.value.id == "oplog"):
                given = next((k.value for k in node.keywords if k.arg == "action"), None)
                readable = given is not None and (
                    _constants(given) or (isinstance(given, ast.Name) and given.id == "action")
                    or (isinstance(given, ast.Attribute) and given.attr == "action"))
                if not readable:
                    unreadable.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    return found, unreadable


def test_every_action_the_code_writes_has_a_label():
    found, unreadable = _actions_in_source()
    assert unreadable == [], "give oplog.record an action this test can read (a constant)"
    assert {"quiz.attempt_start", "training.enrol", "person.export", "user.activate"} <= found  # the scan works
    assert sorted(code for code in found if not oplog_actions.has_label(code)) == []


def test_what_the_demo_writes_has_labels_everywhere(db):
    """The demo runs most services (organisations, accounts, people, the plan, training, contests with attempts)."""
    from suzhi.core.demo import load_demo

    load_demo()
    seen = set()
    for action, object_type, before, after in OperationLog.objects.values_list(
            "action", "object_type", "before", "after"):
        keys = {str(k) for side in (before, after) if isinstance(side, dict) for k in side}
        seen.add((action, object_type, tuple(sorted(keys))))
    assert any(action == "quiz.attempt_submit" for action, _type, _keys in seen)
    assert oplog_seen.unlabelled(seen) == []


def test_labels_of_a_contest_attempt():
    with translation.override("zh-hans"):
        assert oplog_actions.object_type_label("quizzes.attempt") == "答题记录"
        assert oplog_actions.detail_label("quizzes.attempt", "finished_by") == "交卷方式"
        assert oplog_actions.label_for("quiz.attempt_start") == "开始答题"
        assert oplog_actions.detail_value("quizzes.attempt", "finished_by", "timer") == "时间到自动交卷"
        assert oplog_actions.detail_label("quizzes.attempt", "score") == "得分"
        # A field of the object's model with a translated name names itself.
        assert oplog_actions.detail_label("core.systemparameter", "value") == "参数值"
