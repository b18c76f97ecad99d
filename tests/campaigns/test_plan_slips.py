"""Slips people make in plan files — a date that does not exist, a full-width colon, a tab indent, an end before
the start — answer a Chinese message on the right line, in the CLI, on the plan pages and in the API alike."""

import json

import pydantic
import pytest
from django.core.management import call_command

from suzhi.campaigns.models import Campaign
from suzhi.campaigns.plan.check import check_plan_text
from tests.campaigns.factories import plan_data, plan_yaml
from tests.campaigns.test_editor import field_block, form_of, put

pytestmark = pytest.mark.django_db

BAD_DATE = plan_yaml().replace("end: 2024-04-20", "end: 2025-04-31", 1)


def _line(text: str, needle: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), start=1) if needle in row)


def _only(text: str):
    _plan, errors = check_plan_text(text)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_a_date_that_does_not_exist_is_named_on_its_line(tree):
    error = _only(BAD_DATE)
    assert error.path == "phases[0].end"
    assert error.line == _line(BAD_DATE, "2025-04-31")
    assert error.message == "日期 2025-04-31 不存在，请检查月份和日。"


def test_a_full_width_colon_is_named_on_its_own_line(tree):
    text = plan_yaml().replace("year: 2024", "year： 2024")
    error = _only(text)
    line = _line(text, "year：")
    assert (error.path, error.line) == ("", line)
    assert error.message == f"第{line}行用了全角冒号“：”，请改用半角冒号“:”。"
    # In a nested mapping PyYAML notices a line later; the message still names the colon's line.
    text = plan_yaml().replace("  title: 启动阶段", "  title： 启动阶段")
    error = _only(text)
    assert error.line == _line(text, "title：") and f"第{error.line}行" in error.message


def test_a_tab_indent_is_named_on_its_line(tree):
    text = plan_yaml().replace("  title: 启动阶段", "\ttitle: 启动阶段")
    error = _only(text)
    line = _line(text, "\ttitle")
    assert error.line == line
    assert error.message == f"第{line}行用了制表符（Tab）缩进，请改用空格缩进。"


def test_other_yaml_problems_are_said_in_chinese(tree):
    error = _only(plan_yaml().replace("title: 启动阶段", "title: '启动阶段"))
    assert "引号没有闭合" in error.message and error.line is not None
    error = _only(plan_yaml().replace("goals: 提升职工素质。", "goals: 提升: 职工素质。"))
    assert "could not" not in error.message and "not allowed" not in error.message and error.line == 5


def test_end_before_start_points_at_the_end_line(tree):
    text = plan_yaml().replace("end: 2024-04-20", "end: 2024-04-01", 1)
    error = _only(text)
    assert error.path == "phases[0].end"
    assert error.line == _line(text, "end: 2024-04-01")
    assert error.message == "结束日期早于开始日期。"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.update(year="二〇二四"), "year"),
        (lambda d: d.update(year=2024.5), "year"),
        (lambda d: d.update(phases="launch"), "phases"),
        (lambda d: d["phases"][0].update(start="下个月"), "phases[0].start"),
        (lambda d: d["phases"][0].update(start=20240410), "phases[0].start"),
        (lambda d: d["phases"][0].update(title=["启动"]), "phases[0].title"),
        (lambda d: d["phases"][0].update(key="启动"), "phases[0].key"),
        (lambda d: d["activities"][0].update(open_in=["launch"]), "activities[0].open_in"),
        (lambda d: d["activities"][0]["settings"].update(forms=["seminar"]), "activities[0].settings.forms[0]"),
        (lambda d: d["activities"][0]["settings"].update(check_in_minutes=1000), "activities[0].settings"),
        (lambda d: d["targets"][0].update(threshold="很多"), "targets[0].threshold"),
        (lambda d: d["targets"][0].update(form="per_person"), "targets[0].form"),
        (lambda d: d["targets"][0].update(filter=["in_post"]), "targets[0].filter"),
        (lambda d: d["awards"][0].update(top=0), "awards[0].top"),
        (lambda d: d.update(committee="组委会"), "committee"),
    ],
)
def test_common_schema_errors_are_not_pydantics_english(tree, change, path):
    data = plan_data()
    change(data)
    import yaml

    _plan, errors = check_plan_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert errors and all(e.path.startswith(path) for e in errors), [str(e) for e in errors]
    for error in errors:
        assert error.line is not None
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message), error.message
        for english in ("Input should", "Field required", "Extra inputs", "Value error", "valid"):
            assert english not in error.message, error.message


def test_an_unknown_kind_of_pydantic_error_gets_a_chinese_message():
    from suzhi.campaigns.plan.check import _pydantic_message

    class Odd(pydantic.BaseModel):
        value: pydantic.UUID4

    with pytest.raises(pydantic.ValidationError) as raised:
        Odd(value="not-a-uuid")
    assert _pydantic_message(raised.value.errors()[0]) == "此处的值无效。"


# The three surfaces ----------------------------------------------------------------------------------------------

def test_cli_validate_names_the_bad_date_without_a_traceback(tree, tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(BAD_DATE, encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("plan", "validate", str(path))
    line = _line(BAD_DATE, "2025-04-31")
    assert exited.value.code == 1
    assert capsys.readouterr().out.strip() == f"phases[0].end: 日期 2025-04-31 不存在，请检查月份和日。（第{line}行）"
    with pytest.raises(SystemExit) as exited:
        call_command("plan", "load", str(path), "--as", tree.committee_admin.username)
    assert exited.value.code == 1 and "2025-04-31" in capsys.readouterr().out


def test_load_page_names_the_bad_date(tree, login_client):
    client = login_client(tree.committee_admin)
    for extra in ({"dry_run": "on"}, {}):
        page = client.post("/campaigns/load/", {"text": BAD_DATE, **extra})
        html = page.content.decode()
        assert page.status_code == 200 and "phases[0].end" in html and "日期 2025-04-31 不存在" in html
    assert not Campaign.objects.exists()


def test_editor_settings_with_a_bad_date_are_an_error_not_a_crash(tree, login_client):
    """Settings too nested for fields (a quiz's paper) are YAML, read as carefully as the plan file."""
    from suzhi.campaigns.services.plans import plan_load
    from tests.campaigns.factories import plan_data

    quiz = {"key": "contest", "kind": "quiz", "title": "知识竞赛", "open_in": {"attempt": ["rollout"]}}
    campaign = plan_load(actor=tree.committee_admin, text=plan_yaml(activities=[*plan_data()["activities"], quiz]))
    client = login_client(tree.committee_admin)
    data = form_of(client.get(f"/campaigns/{campaign.pk}/edit/"))
    put(data, **{"activities-2-settings__paper": "bank: 安全题库\nfrom: 2025-04-31"})
    page = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    assert page.status_code == 200
    assert "has-error" in field_block(page.content.decode(), "activities-2-settings__paper").split(">", 1)[0]
    put(data, **{"activities-2-settings__paper": "bank：安全题库"})
    block = field_block(client.post(f"/campaigns/{campaign.pk}/edit/", data).content.decode(),
                        "activities-2-settings__paper")
    assert "第1行用了全角冒号" in block


def test_api_validate_and_load_name_the_bad_date(tree, api_client):
    client = api_client(tree.committee_admin)
    line = _line(BAD_DATE, "2025-04-31")
    response = client.post("/api/v1/campaigns/validate", json.dumps({"text": BAD_DATE}),
                           content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"valid": False, "errors": [
        {"path": "phases[0].end", "line": line, "message": "日期 2025-04-31 不存在，请检查月份和日。"}]}
    response = client.post("/api/v1/campaigns/load", json.dumps({"text": BAD_DATE}), content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "plan_invalid" and body["detail"][0]["line"] == line
    assert not Campaign.objects.exists()
