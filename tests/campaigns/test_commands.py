"""`suzhi plan validate | load | schema | render`."""

import json

import pytest
from django.core.management import call_command

from suzhi.campaigns.models import Campaign
from tests.campaigns.factories import plan_yaml

pytestmark = pytest.mark.django_db


def _run(*args, capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("plan", *args)
    return exited.value.code, capsys.readouterr().out


def test_validate_exit_codes_and_lines(tree, tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(plan_yaml(), encoding="utf-8")
    assert _run("validate", str(good), capsys=capsys)[0] == 0
    bad = tmp_path / "bad.yaml"
    text = plan_yaml().replace("- rollout\n    check_in", "- finals2\n    check_in")
    bad.write_text(text, encoding="utf-8")
    code, out = _run("validate", str(bad), capsys=capsys)
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "finals2" in row)
    assert code == 1
    assert out.strip() == f"activities[0].open_in.enroll[1]: 未知的阶段“finals2”。（第{line}行）"


def test_load_then_render(tree, tmp_path, capsys):
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_yaml(), encoding="utf-8")
    code, out = _run("load", str(plan), "--as", tree.committee_admin.username, capsys=capsys)
    assert code == 0 and "test-2024" in out and Campaign.objects.count() == 1
    target = tmp_path / "plan.docx"
    code, out = _run("render", "test-2024", "--format", "docx", "--output", str(target), capsys=capsys)
    assert code == 0 and target.read_bytes()[:2] == b"PK"
    html = tmp_path / "plan.html"
    assert _run("render", str(plan), "--format", "html", "-o", str(html), capsys=capsys)[0] == 0
    assert "奖励办法" in html.read_text(encoding="utf-8")


def test_load_refused_shows_errors(tree, tmp_path, capsys):
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_yaml().replace("kind: collection", "kind: voting"), encoding="utf-8")
    code, out = _run("load", str(plan), "--as", tree.committee_admin.username, capsys=capsys)
    assert code == 1 and "activities[1].kind" in out and not Campaign.objects.exists()


def test_schema_is_json_schema(capsys):
    code, out = _run("schema", capsys=capsys)
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "Plan" and "phases" in schema["properties"]


def test_the_dunhuang_plan_renders_to_docx_and_pdf_with_chinese(db, tmp_path, capsys):
    from suzhi.core.demo import load_demo

    load_demo()
    for fmt in ("docx", "pdf"):
        out_file = tmp_path / f"dunhuang.{fmt}"
        assert _run("render", "plans/dunhuang-2024.yaml", "--format", fmt, "-o", str(out_file), capsys=capsys)[0] == 0
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(str(tmp_path / "dunhuang.pdf")).pages)
    assert "时间安排" in text and "敦煌市技术标兵" in text


def test_recount_puts_the_counts_right_after_a_load_around_the_services(tree, capsys):
    import datetime

    from suzhi.campaigns.models import MetricOrgCount, MetricRecord, MetricTally
    from suzhi.campaigns.services.plans import plan_load
    from suzhi.core.models import User
    from suzhi.people.models import PersonCount
    from tests.people.factories import make_person

    User.objects.create_superuser(username="root", password="x")  # noqa: S106
    campaign = plan_load(actor=tree.committee_admin, text=plan_yaml())
    lectures = campaign.activities.get(key="lectures")
    person = make_person("甲", tree.unit_a)
    # Restored around the services: a record with no tallies, a roster count that is off.
    MetricRecord.objects.create(campaign=campaign, activity=lectures, metric="training.participations",
                                person=person, organisation=tree.unit_a, occurred_on=datetime.date(2024, 4, 15),
                                source="restored")
    PersonCount.objects.filter(organisation=tree.unit_a).update(people=5)
    call_command("recount")
    out = capsys.readouterr().out
    assert "people: 1 groups" in out and f"{campaign.code}: 1 person tallies" in out
    assert PersonCount.objects.get(organisation=tree.unit_a).people == 1
    assert MetricTally.objects.get(person=person).records == 1
    assert MetricOrgCount.objects.filter(organisation=tree.unit_a, people=1, records=1).count() == 2
