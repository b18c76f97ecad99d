"""Paper score sheets (纸质评分表): the template of the open sheets (blind), the import's preview and apply through
the import pipeline, each refusal at its row and column, all or nothing, the scope, the history and the log.

No folder of ../shared/conformance holds score sheets (only moodle-gift question banks), so the files here are
built the way a secretary fills the template: from the downloaded template itself where the shape matters."""

import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.models import OperationLog
from suzhi.judging.models import Assignment, Score, ScoreChange
from suzhi.judging.paper import judge_cell, sheets_template_xlsx
from suzhi.judging.selectors.paper import open_sheets
from suzhi.judging.selectors.sheets import sheet_for
from suzhi.judging.services.assignments import assignment_auto
from suzhi.judging.services.entries import entries_withdraw
from suzhi.judging.services.paper import sheets_import
from suzhi.judging.services.results import results_compute, results_publish, results_verify
from suzhi.judging.services.scores import score_save, sheet_submit
from tests.core.factories import grant
from tests.judging.factories import make_activity, make_judge, put_entries, set_panel, units
from tests.people.factories import make_person
from tests.support import upload, xlsx

HEADER = ["编号", "评委", "技术水平(0-30)", "经济效益(0-30)", "应用范围(0-20)", "实用性(0-20)"]
FULL = [30, 15, 10, 20]
API = "/api/v1/judging/paper-sheets"


@pytest.fixture
def judged(tree):
    """Three blind entries of 七里镇甲企业 by 张发明, each scored by both judges of 沙州镇."""
    activity = make_activity(tree.town_a, blind=True, judges_per_entry=2)
    author = make_person("张发明", tree.unit_a)
    judges = [make_judge(org, name) for org, name in zip(units(tree.town_b, 2), ("wang01", "li02"), strict=True)]
    for judge, name in zip(judges, ("王评委", "李评委"), strict=True):
        judge.full_name = name
        judge.save(update_fields=["full_name"])
    set_panel(activity, judges, actor=tree.town_a_admin)
    entries = put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=3, author_person_ids=[author.pk],
                          nominating_organisation_id=tree.unit_a.pk)
    assignment_auto(actor=tree.town_a_admin, activity_id=activity.pk)
    return activity, judges, entries


def _sheet(entry, judge):
    return Assignment.objects.get(entry=entry, judge=judge)


def _cell(judge):
    return judge_cell(judge.full_name, judge.username)


def _rows(data):
    return [list(row) for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)]


def _import(tree, activity, rows, *, actor=None, **flags):
    return sheets_import(actor=actor or tree.town_a_admin, activity_id=activity.pk, data=xlsx([HEADER, *rows]),
                         filename="评分表.xlsx", **flags)


def _messages(result):
    return [error["message"] for error in result.errors]


# The template

def test_the_template_lists_the_open_sheets_blind(tree, login_client, judged):
    activity, judges, entries = judged
    score_save(actor=judges[0], assignment_id=_sheet(entries[0], judges[0]).pk, values=dict(
        zip(("tech", "benefit", "scope", "use"), FULL, strict=True)))
    sheet_submit(actor=judges[0], assignment_id=_sheet(entries[0], judges[0]).pk)
    response = login_client(tree.town_a_admin).get(reverse("judging:paper_template", args=[activity.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = _rows(response.content)
    assert rows[0] == HEADER
    listed = {(code, judge) for code, judge, *scores in rows[1:]}
    expected = {(e.blind_label, _cell(j)) for e in entries for j in judges} - {
        (entries[0].blind_label, _cell(judges[0]))}  # submitted: not on the template
    assert listed == expected and len(rows) == 1 + 5
    assert all(scores == [None] * 4 for _code, _judge, *scores in rows[1:])
    assert (entries[1].blind_label, "王评委（wang01）") in listed  # the judge by name and username
    text = json.dumps(rows, ensure_ascii=False, default=str)
    for named in ("张发明", "七里镇", "建议"):  # no author, no organisation, no title
        assert named not in text


def test_the_template_of_one_category_when_panels_are_by_category(tree, login_client):
    activity = make_activity(tree.town_a, judges_per_entry=1, panels_by_category=True)
    judges = [make_judge(org) for org in units(tree.town_b, 2)]
    set_panel(activity, [judges[0]], actor=tree.town_a_admin, category="机械")
    set_panel(activity, [judges[1]], actor=tree.town_a_admin, category="电气")
    mech = put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=2, category="机械", prefix="m")
    put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=1, category="电气", prefix="e")
    assignment_auto(actor=tree.town_a_admin, activity_id=activity.pk)
    client = login_client(tree.town_a_admin)
    page = client.get(reverse("judging:activity", args=[activity.pk])).content.decode()
    assert "?category=%E6%9C%BA%E6%A2%B0" in page and "?category=%E7%94%B5%E6%B0%94" in page
    url = reverse("judging:paper_template", args=[activity.pk])
    rows = _rows(client.get(url, {"category": "机械"}).content)
    assert sorted(code for code, *_rest in rows[1:]) == sorted(e.blind_label for e in mech)
    assert len(_rows(client.get(url).content)) == 1 + 3
    assert client.get(url, {"category": "没有"}).status_code == 404


def test_the_template_is_written_as_text_never_formulas(tree, judged):
    activity, judges, _entries = judged
    judges[0].full_name = "=HYPERLINK(\"x\")"
    judges[0].save(update_fields=["full_name"])
    found = open_sheets(tree.town_a_admin, activity.pk)
    data = sheets_template_xlsx(found.rules, found.rows, title=found.activity.title)
    cells = [c for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows() for c in row]
    risky = [c for c in cells if str(c.value or "").startswith("=")]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)


# Preview and apply

def test_the_preview_lists_each_row_and_saves_nothing_then_the_import_saves_for_the_judges(tree, judged):
    activity, judges, entries = judged
    rows = [[entries[0].blind_label, _cell(judges[0]), *FULL],
            [entries[1].blind_label.lower(), "wang01", 25.5, 20, "", ""],  # the username alone; lower case
            [entries[2].blind_label, "王评委", "", "", "", ""]]  # the name alone; nothing scored yet
    preview = _import(tree, activity, rows)
    assert (preview.created, preview.updated, preview.unchanged, preview.errors) == (1, 1, 1, [])
    assert not preview.written and not Score.objects.exists() and not OperationLog.objects.filter(
        action="judging.sheets_import").exists()
    assert [(p.number, p.code, p.judge, p.submit) for p in preview.planned] == [
        (2, entries[0].blind_label, "王评委（wang01）", True), (3, entries[1].blind_label, "王评委（wang01）", False),
        (4, entries[2].blind_label, "王评委（wang01）", False)]
    assert preview.planned[1].scores == [("技术水平", Decimal("25.50")), ("经济效益", Decimal("20.00"))]
    assert preview.planned[1].changes == 2 and preview.planned[2].scores == []

    done = _import(tree, activity, rows, dry_run=False)
    assert done.written and (done.created, done.updated, done.unchanged) == (1, 1, 1)
    first, second, third = (_sheet(e, judges[0]) for e in entries)
    assert first.state == "submitted" and first.total == Decimal("75") and first.submitted_at
    assert second.state == "assigned" and dict(second.scores.values_list("criterion", "value")) == {
        "tech": Decimal("25.5"), "benefit": Decimal("20")}
    assert third.state == "assigned" and not third.scores.exists()
    # The history names the admin who typed the paper in; the scores are the judge's sheet's.
    assert set(ScoreChange.objects.values_list("by_id", flat=True)) == {tree.town_a_admin.pk}
    assert ScoreChange.objects.count() == 6
    log = OperationLog.objects.get(action="judging.sheets_import")
    assert log.actor_id == tree.town_a_admin.pk and log.organisation_id == tree.town_a.pk
    assert log.after == {"file": "评分表.xlsx", "sheets_scored": 2, "sheets_submitted": 1, "skipped": 0}
    assert not OperationLog.objects.filter(action__in=["judging.score_save", "judging.sheet_submit"]).exists()


def test_a_second_import_completes_an_open_sheet_and_keeps_the_history(tree, judged):
    activity, judges, entries = judged
    _import(tree, activity, [[entries[1].blind_label, "wang01", 20, 20, "", ""]], dry_run=False)
    again = _import(tree, activity, [[entries[1].blind_label, "wang01", 22, 20, 10, 10]], dry_run=False)
    assert again.created == 1 and again.planned[0].changes == 3  # 经济效益 is unchanged
    sheet = _sheet(entries[1], judges[0])
    assert sheet.state == "submitted"
    tech = sheet.scores.get(criterion="tech")
    assert list(tech.changes.values_list("old", "new")) == [(None, Decimal("20")), (Decimal("20"), Decimal("22"))]


def test_the_judge_sees_the_others_only_once_their_own_sheet_is_submitted(tree, judged):
    activity, judges, entries = judged
    wang, li = judges
    _import(tree, activity, [[entries[0].blind_label, _cell(wang), *FULL]], dry_run=False)
    assert sheet_for(li, _sheet(entries[0], li).pk).others == []  # li has not submitted
    assert sheet_for(wang, _sheet(entries[0], wang).pk).others == []  # nobody else has submitted
    _import(tree, activity, [[entries[0].blind_label, _cell(li), 20, 20, 20, 20]], dry_run=False)
    others = sheet_for(wang, _sheet(entries[0], wang).pk).others
    assert [(o.judge, o.total) for o in others] == [("李评委", Decimal("80"))]


def test_header_variants_and_title_rows_are_read(tree, judged):
    activity, judges, entries = judged
    data = xlsx([["2024年合理化建议评审 纸质评分表"], [],
                 ["作品编号", "评审专家", "技术水平", "经济效益", "应用范围（0-20）", "use"],
                 [entries[0].blind_label, _cell(judges[1]), 1, 2, 3, 4]])
    result = sheets_import(actor=tree.town_a_admin, activity_id=activity.pk, data=data, filename="a.xlsx",
                           dry_run=False)
    assert result.errors == [] and result.created == 1
    assert _sheet(entries[0], judges[1]).state == "submitted"


def test_a_criterion_may_be_keyed_like_the_code_or_judge_column(tree):
    rubric = [{"key": "code", "label": "代码质量", "weight": 60, "max_score": 60},
              {"key": "judge", "label": "判断能力", "weight": 40, "max_score": 40}]
    activity = make_activity(tree.town_a, rubric=rubric, judges_per_entry=1)
    judge = make_judge(tree.unit_b, "sun04")
    set_panel(activity, [judge], actor=tree.town_a_admin)
    entry = put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=1)[0]
    assignment_auto(actor=tree.town_a_admin, activity_id=activity.pk)
    found = open_sheets(tree.town_a_admin, activity.pk)
    header = _rows(sheets_template_xlsx(found.rules, found.rows, title="t"))[0]
    assert header == ["编号", "评委", "代码质量(0-60)", "判断能力(0-40)"]
    data = xlsx([header, [entry.blind_label, "sun04", 50, 30]])
    result = sheets_import(actor=tree.town_a_admin, activity_id=activity.pk, data=data, filename="a.xlsx",
                           dry_run=False)
    assert result.errors == [] and Assignment.objects.get(entry=entry).total == Decimal("80")


def test_checking_a_file_takes_the_same_queries_whatever_its_rows(tree, judged):
    activity, judges, entries = judged

    def queries(rows):
        with CaptureQueriesContext(connection) as captured:
            assert _import(tree, activity, rows).errors == []
        return len(captured)

    one = queries([[entries[0].blind_label, "wang01", *FULL]])
    six = queries([[e.blind_label, _cell(j), *FULL] for e in entries for j in judges])
    assert one == six


def test_the_template_saved_as_csv_reads_back(tree, judged, login_client):
    activity, judges, entries = judged
    template = _rows(login_client(tree.town_a_admin).get(
        reverse("judging:paper_template", args=[activity.pk])).content)
    lines = [",".join(str(c) for c in template[0])]
    lines += [",".join([code, judge, "20", "20", "", ""]) for code, judge, *_scores in template[1:]]
    data = "\n".join(lines).encode("utf-8-sig")
    result = sheets_import(actor=tree.town_a_admin, activity_id=activity.pk, data=data, filename="评分表.csv",
                           dry_run=False)
    assert result.errors == [] and result.updated == 6
    assert Score.objects.filter(assignment__entry__in=entries).count() == 12


# Refusals, each at its row and column

def test_every_refusal_names_its_row_and_column_and_nothing_is_saved(tree, judged):
    activity, judges, entries = judged
    wang, li = judges
    outsider = make_judge(tree.unit_b, "zhao03")
    submitted = _sheet(entries[2], li)
    score_save(actor=li, assignment_id=submitted.pk, values={"tech": 1, "benefit": 1, "scope": 1, "use": 1})
    sheet_submit(actor=li, assignment_id=submitted.pk)
    set_panel(activity, [wang, li, outsider], actor=tree.town_a_admin)  # on the panel, not on the entry
    rows = [[entries[0].blind_label, _cell(wang), *FULL],  # row 2: valid
            [entries[1].blind_label, _cell(wang), 31, 15, 10, 20],  # row 3: 技术水平 over 30
            [entries[1].blind_label, _cell(li), "十", -1, 10, 20],  # row 4: two bad scores
            ["X-9999", _cell(wang), 1, 1, 1, 1],  # row 5: unknown code
            [entries[0].blind_label, "zhao03", 1, 1, 1, 1],  # row 6: on the panel, not assigned
            [entries[0].blind_label, "钱某", 1, 1, 1, 1],  # row 7: nobody of the activity
            [entries[2].blind_label, _cell(li), 1, 1, 1, 1],  # row 8: submitted already
            [entries[0].blind_label, "wang01", 1, 1, 1, 1],  # row 9: the sheet of row 2 again
            ["", _cell(wang), 1, 1, 1, 1],  # row 10: no code
            [entries[1].blind_label, "", 1, 1, 1, 1]]  # row 11: no judge
    result = _import(tree, activity, rows, dry_run=False)
    code = entries[0].blind_label
    assert _messages(result) == [
        "第 3 行，“技术水平”列：应为0到30之间的数字。",
        "第 4 行，“技术水平”列：应为0到30之间的数字。",
        "第 4 行，“经济效益”列：应为0到30之间的数字。",
        "第 5 行，“编号”列：本活动没有编号为“X-9999”的参评作品。",
        f"第 6 行，“评委”列：评委 zhao03 未被分配评审 {code}。",
        "第 7 行，“评委”列：本活动没有名为“钱某”的评委。",
        "第 8 行，“评委”列：评委已提交该评分表，须由管理员退回后才能导入。",
        "第 9 行，“评委”列：同一评分表已在第 2 行出现。",
        "第 10 行，“编号”列：请填写编号。",
        "第 11 行，“评委”列：请填写评委。",
    ]
    assert [(e["row"], e["column"]) for e in result.errors][:3] == [(3, "技术水平"), (4, "技术水平"), (4, "经济效益")]
    assert not result.written and result.invalid_rows == 9
    # All or nothing: the valid row 2 is not saved either, and nothing is logged.
    assert not Score.objects.filter(assignment__judge=wang).exists()
    assert not OperationLog.objects.filter(action="judging.sheets_import").exists()
    assert _sheet(entries[2], li).total == Decimal("4")  # the submitted sheet is untouched


def test_not_a_number_and_infinity_are_refused_too(tree, judged):
    activity, judges, entries = judged
    result = _import(tree, activity, [[entries[0].blind_label, "wang01", "NaN", "inf", "1e400", "２０"]])
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "技术水平"), (2, "经济效益"), (2, "应用范围")]
    with pytest.raises(ValidationFailed):  # the judge's own save says so too, rather than failing
        score_save(actor=judges[0], assignment_id=_sheet(entries[0], judges[0]).pk, values={"tech": "NaN"})


def test_the_valid_rows_only_when_chosen(tree, judged):
    activity, judges, entries = judged
    rows = [[entries[0].blind_label, _cell(judges[0]), *FULL], [entries[1].blind_label, _cell(judges[0]), 99, 1, 1, 1]]
    result = _import(tree, activity, rows, dry_run=False, skip_invalid=True)
    assert result.written and result.created == 1 and result.invalid_rows == 1
    assert _sheet(entries[0], judges[0]).state == "submitted"
    assert not _sheet(entries[1], judges[0]).scores.exists()
    assert OperationLog.objects.get(action="judging.sheets_import").after["skipped"] == 1


def test_a_withdrawn_entry_and_an_ambiguous_name_are_refused(tree, judged):
    activity, judges, entries = judged
    judges[1].full_name = "王评委"  # two judges of the entry share the name
    judges[1].save(update_fields=["full_name"])
    entries_withdraw(actor=tree.town_a_admin, activity=activity, sources=[entries[2].source])
    result = _import(tree, activity, [[entries[0].blind_label, "王评委", *FULL],
                                      [entries[2].blind_label, "wang01", *FULL]])
    assert _messages(result) == [
        f"第 2 行，“评委”列：{entries[0].blind_label} 有多名评委名为“王评委”，请在括号中注明用户名。",
        f"第 3 行，“编号”列：{entries[2].blind_label} 已撤出评审。"]


def test_the_import_is_refused_once_the_results_are_published(tree, judged):
    activity, judges, entries = judged
    for entry in entries:
        for judge in judges:
            sheet = _sheet(entry, judge)
            score_save(actor=judge, assignment_id=sheet.pk, values={"tech": 1, "benefit": 1, "scope": 1, "use": 1})
            sheet_submit(actor=judge, assignment_id=sheet.pk)
    results_compute(actor=tree.town_a_admin, activity_id=activity.pk)
    results_verify(actor=tree.committee_admin, activity_id=activity.pk)
    results_publish(actor=tree.town_a_admin, activity_id=activity.pk)
    with pytest.raises(Conflict) as caught:
        _import(tree, activity, [[entries[0].blind_label, "wang01", *FULL]])
    assert caught.value.code == "results_published"


# Scope

def test_another_organisations_admin_gets_404_and_a_judge_cannot_import(tree, judged, api_client, login_client):
    activity, judges, entries = judged
    rows = [[entries[0].blind_label, "wang01", *FULL]]
    with pytest.raises(NotFound):
        _import(tree, activity, rows, actor=tree.town_b_admin, dry_run=False)
    with pytest.raises(NotFound):
        open_sheets(tree.town_b_admin, activity.pk)
    with pytest.raises(NotFound):
        _import(tree, activity, rows, actor=judges[0], dry_run=False)
    other = api_client(tree.town_b_admin)
    assert other.get(f"{API}/{activity.pk}/template").status_code == 404
    assert other.post(f"{API}/{activity.pk}/import", {"file": upload("a.xlsx", xlsx([HEADER, *rows])),
                                                      "dry_run": "false"}).status_code == 404
    judge = api_client(judges[0])
    assert judge.get(f"{API}/{activity.pk}/template").status_code == 403
    assert judge.post(f"{API}/{activity.pk}/import", {"file": upload("a.xlsx", xlsx([HEADER, *rows])),
                                                      "dry_run": "false"}).status_code == 403
    pages = login_client(tree.town_b_admin)
    for name in ("paper_import", "paper_template"):
        assert pages.get(reverse(f"judging:{name}", args=[activity.pk])).status_code == 404
    judge_pages = login_client(judges[0])
    for name in ("paper_import", "paper_template"):
        assert judge_pages.get(reverse(f"judging:{name}", args=[activity.pk])).status_code == 403
    assert not Score.objects.exists()


def test_a_judge_who_also_manages_can_import_only_for_the_activity_in_their_scope(tree, judged):
    activity, judges, entries = judged
    grant(judges[0], "town_admin", tree.town_b)  # manages 沙州镇, not the activity of 七里镇
    with pytest.raises(NotFound):
        _import(tree, activity, [[entries[0].blind_label, "li02", *FULL]], actor=judges[0], dry_run=False)


# The API

def test_the_api_checks_then_imports(tree, judged, api_client):
    activity, judges, entries = judged
    client = api_client(tree.town_a_admin)
    template = client.get(f"{API}/{activity.pk}/template")
    assert template.status_code == 200 and _rows(template.content)[0] == HEADER
    data = xlsx([HEADER, [entries[0].blind_label, "wang01", *FULL], [entries[1].blind_label, "li02", 50, 1, 1, 1]])
    checked = client.post(f"{API}/{activity.pk}/import", {"file": upload("a.xlsx", data), "dry_run": "true"})
    body = checked.json()
    assert checked.status_code == 200 and body["dry_run"] and not body["written"]
    assert body["errors"] == [{"row": 3, "column": "技术水平",
                               "message": "第 3 行，“技术水平”列：应为0到30之间的数字。"}]
    assert body["rows"] == [{"row": 2, "code": entries[0].blind_label, "judge": "王评委（wang01）",
                             "scores": {"tech": "30.00", "benefit": "15.00", "scope": "10.00", "use": "20.00"},
                             "changes": 4, "submit": True}]
    no_file = client.post(f"{API}/{activity.pk}/import", {"dry_run": "true"})
    assert no_file.status_code == 422 and no_file.json()["code"] == "empty_file"
    refused = client.post(f"{API}/{activity.pk}/import", {"file": upload("a.xlsx", data)}).json()
    assert not refused["written"] and not Score.objects.exists()
    done = client.post(f"{API}/{activity.pk}/import", {"file": upload("a.xlsx", data), "skip_invalid": "true"})
    assert done.json()["written"] and _sheet(entries[0], judges[0]).state == "submitted"


# The pages

def test_the_pages_preview_then_confirm(tree, judged, login_client):
    activity, judges, entries = judged
    client = login_client(tree.town_a_admin)
    page = client.get(reverse("judging:activity", args=[activity.pk])).content.decode()
    assert "导入纸质评分表" in page and reverse("judging:paper_template", args=[activity.pk]) in page
    url = reverse("judging:paper_import", args=[activity.pk])
    assert client.get(url).status_code == 200
    bad = xlsx([HEADER, [entries[0].blind_label, "wang01", *FULL], [entries[1].blind_label, "li02", 31, 1, 1, 1]])
    preview = client.post(url, {"step": "preview", "file": upload("评分表.xlsx", bad)}).content.decode()
    assert "第 3 行，“技术水平”列：应为0到30之间的数字。" in preview
    assert 'data-row="2"' in preview and "提交评分表" in preview and "4 项评分有变动" in preview
    assert not Score.objects.exists()
    refused = client.post(url, {"step": "confirm"}).content.decode()
    assert "未导入任何数据" in refused and not Score.objects.exists()
    assert client.get(reverse("judging:paper_errors", args=[activity.pk])).status_code == 200
    good = xlsx([HEADER, [entries[0].blind_label, "wang01", *FULL], [entries[1].blind_label, "li02", 3, 1, "", ""]])
    client.post(url, {"step": "preview", "file": upload("评分表.xlsx", good)})
    assert not Score.objects.exists()
    done = client.post(url, {"step": "confirm"})
    assert done.status_code == 200 and "纸质评分表已导入" in done.content.decode()
    assert _sheet(entries[0], judges[0]).state == "submitted"
    assert _sheet(entries[1], judges[1]).scores.count() == 2
    assert set(ScoreChange.objects.values_list("by_id", flat=True)) == {tree.town_a_admin.pk}
