"""Excel import of the organisation tree: headers, parents in any order, errors per row, atomic writes."""

import io
import random
import re

import pytest
from openpyxl import load_workbook

from suzhi.core import params
from suzhi.core.errors import PermissionDenied, ValidationFailed
from suzhi.core.excel import read_rows
from suzhi.core.imports import error_rows_xlsx
from suzhi.core.models import OperationLog, Organisation, SystemParameter
from suzhi.core.org_sheet import export_table, template_xlsx
from suzhi.core.services.org_import import org_import
from tests.core.factories import UserFactory
from tests.support import xlsx

HEADER = ["组织编码", "组织名称", "组织类型", "上级编码"]


def run(actor, rows, *, filename="orgs.xlsx", dry_run=False, skip_invalid=False, data=None):
    return org_import(
        actor=actor, data=data if data is not None else xlsx(rows), filename=filename,
        dry_run=dry_run, skip_invalid=skip_invalid,
    )


def codes_under(org) -> set[str]:
    return set(Organisation.objects.filter(path__startswith=org.path).values_list("code", flat=True))


def assert_tree_sound():
    assert Organisation.objects.find_problems() == ([], [], [], [], [])


def error_rows(result) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for error in result.errors:
        found.setdefault(error["row"], []).append(error["column"])
    return found


def test_creates_tree_with_parents_in_any_order(tree):
    rows = [
        HEADER,
        ["QLZ-B-1", "甲企业一车间", "企事业单位", "QLZ-B"],  # child before its parent
        ["QLZ-B", "七里镇乙企业", "enterprise", "DH-QLZ"],
        ["QLZ-B-1-1", "一车间班组", "其他", "QLZ-B-1"],
        ["QLZ-C", "七里镇中学", "学校", "DH-QLZ"],
    ]
    result = run(tree.town_a_admin, rows)
    assert (result.created, result.updated, result.unchanged, result.errors) == (4, 0, 0, [])
    assert result.written
    b = Organisation.objects.get(code="QLZ-B")
    b1 = Organisation.objects.get(code="QLZ-B-1")
    b11 = Organisation.objects.get(code="QLZ-B-1-1")
    assert b.path[:-4] == tree.town_a.path and b1.path[:-4] == b.path and b11.path[:-4] == b1.path
    assert b1.name_initials == "jqyycj" and b11.org_type.code == "other"
    assert (b.numchild, b1.numchild, b11.numchild) == (1, 1, 0)
    tree.town_a.refresh_from_db()
    assert tree.town_a.numchild == 3
    assert_tree_sound()
    log = OperationLog.objects.get(action="org.import")
    assert log.after["created"] == 4 and log.actor == tree.town_a_admin


def test_new_children_go_after_existing_ones_even_with_gaps(tree):
    from suzhi.core.services.orgs import org_create, org_delete

    extra = org_create(actor=tree.town_a_admin, parent=tree.town_a, code="GAP", name="临时", org_type_code="other")
    org_create(actor=tree.town_a_admin, parent=tree.town_a, code="LAST", name="最后", org_type_code="other")
    org_delete(actor=tree.town_a_admin, org_id=extra.pk)  # leaves a hole in the positions
    run(tree.town_a_admin, [HEADER, ["NEW-1", "新单位", "其他", "DH-QLZ"]])
    assert codes_under(tree.town_a) >= {"NEW-1", "LAST"}
    assert_tree_sound()


@pytest.mark.parametrize(
    "header",
    [
        ["编码", "名称", "类型", "上级组织编码"],
        ["单位编码", "单位名称", "单位类型", "上级单位编码"],
        ["code", "name", "type", "parent code"],
        ["Organisation code*", "组织名称（必填）", " 组织类型 ", "上级编码"],
    ],
)
def test_header_variants(tree, header):
    result = run(tree.town_a_admin, [header, ["V-1", "变体单位", "企事业单位", "DH-QLZ"]])
    assert result.created == 1 and not result.errors


def test_columns_in_any_order_with_optional_ones_and_a_title_row(tree):
    rows = [
        ["七里镇组织架构导入表"],
        [],
        ["联系电话", "上级编码", "地址", "组织类型", "简称", "组织名称", "行政区划代码", "组织编码", "联系人"],
        ["0937-8812345", "DH-QLZ", "七里镇一号", "学校", "一中", "七里镇第一中学", "620982100", "QLZ-S1", "张老师"],
    ]
    result = run(tree.town_a_admin, rows)
    assert result.created == 1 and not result.errors
    school = Organisation.objects.get(code="QLZ-S1")
    assert (school.short_name, school.region_code, school.contact_person, school.contact_phone, school.address) == (
        "一中", "620982100", "张老师", "0937-8812345", "七里镇一号")


def test_gbk_csv(tree):
    text = "组织编码,组织名称,组织类型,上级编码\r\nCSV-1,七里镇培训站,培训站,DH-QLZ\r\n"
    result = run(tree.town_a_admin, None, filename="组织.csv", data=text.encode("gbk"))
    assert result.created == 1 and not result.errors
    assert Organisation.objects.get(code="CSV-1").name == "七里镇培训站"


def test_codes_typed_as_numbers(tree):
    result = run(tree.town_a_admin, [HEADER, [1001, "数字编码单位", "其他", "DH-QLZ"], [1002, "下级", "其他", 1001]])
    assert result.created == 2 and not result.errors
    assert Organisation.objects.get(code="1002").path[:-4] == Organisation.objects.get(code="1001").path


def test_duplicate_codes_name_both_rows(tree):
    rows = [HEADER, ["D-1", "一", "其他", "DH-QLZ"], ["D-2", "二", "其他", "DH-QLZ"], ["D-1", "三", "其他", "DH-QLZ"]]
    result = run(tree.town_a_admin, rows)
    assert error_rows(result) == {2: ["组织编码"], 4: ["组织编码"]}
    messages = {e["row"]: e["message"] for e in result.errors}
    assert "4" in re.split("[:：]", messages[2], maxsplit=1)[1] and "2" in re.split("[:：]", messages[4], maxsplit=1)[1]
    assert not result.written and not Organisation.objects.filter(code__startswith="D-").exists()


def test_unknown_parent(tree):
    result = run(tree.town_a_admin, [HEADER, ["U-1", "一", "其他", "NOPE"]])
    assert result.errors == [
        {"row": 2, "column": "上级编码", "message": result.errors[0]["message"]}
    ]
    assert "NOPE" in result.errors[0]["message"]


def test_parent_outside_scope_reads_like_unknown(tree):
    outside = run(tree.town_a_admin, [HEADER, ["U-1", "一", "其他", "DH-SZZ"]])
    unknown = run(tree.town_a_admin, [HEADER, ["U-1", "一", "其他", "DH-XXX"]])
    assert error_rows(outside) == {2: ["上级编码"]}
    assert outside.errors[0]["message"].replace("DH-SZZ", "") == unknown.errors[0]["message"].replace("DH-XXX", "")
    assert not Organisation.objects.filter(code="U-1").exists()


def test_code_of_org_outside_scope_is_an_error(tree):
    result = run(tree.town_a_admin, [HEADER, ["DH-SZZ-001", "改名", "其他", "DH-QLZ"]])
    assert error_rows(result) == {2: ["组织编码"]}
    tree.unit_b.refresh_from_db()
    assert tree.unit_b.name == "沙州镇乙企业"


def test_cycle_in_the_file_names_the_rows(tree):
    rows = [HEADER, ["L-1", "一", "其他", "L-3"], ["OK-1", "好", "其他", "DH-QLZ"], ["L-2", "二", "其他", "L-1"],
            ["L-3", "三", "其他", "L-2"], ["L-4", "四", "其他", "L-3"]]
    result = run(tree.town_a_admin, rows, skip_invalid=True)
    errors = error_rows(result)
    assert set(errors) == {2, 4, 5, 6}
    loop_message = next(e["message"] for e in result.errors if e["row"] == 2)
    assert "2, 4, 5" in loop_message
    assert result.created == 1 and Organisation.objects.filter(code="OK-1").exists()
    assert not Organisation.objects.filter(code__startswith="L-").exists()


def test_moving_an_org_under_its_own_descendant_is_a_cycle(tree):
    result = run(tree.committee_admin, [HEADER, ["DH-QLZ", "七里镇工会联合会", "乡镇工会联合会", "DH-QLZ-001"]])
    assert error_rows(result) == {2: ["上级编码"]}
    tree.town_a.refresh_from_db()
    assert tree.town_a.path[:-4] == tree.federation.path


def test_own_parent_is_an_error(tree):
    result = run(tree.town_a_admin, [HEADER, ["S-1", "一", "其他", "S-1"]])
    assert error_rows(result) == {2: ["上级编码"]}


def test_blank_parent(tree):
    result = run(tree.town_a_admin, [HEADER, ["R-1", "顶级", "其他", ""]])
    assert error_rows(result) == {2: ["上级编码"]}  # only system administrators add roots
    admin = UserFactory(is_superuser=True)
    result = run(admin, [HEADER, ["R-1", "顶级", "其他", ""], ["R-2", "下级", "其他", "R-1"]])
    assert result.created == 2
    assert Organisation.objects.get(code="R-1").depth == 1
    assert_tree_sound()


def test_field_errors_name_row_and_column(tree):
    rows = [HEADER + ["联系电话", "行政区划代码"], ["F-1", "", "外星组织", "DH-QLZ", "12345", "1"]]
    result = run(tree.town_a_admin, rows)
    assert error_rows(result) == {2: ["组织名称", "组织类型", "联系电话", "行政区划代码"]}
    assert all(e["message"].startswith("Row 2, column") or e["message"].startswith("第") for e in result.errors)


def test_dry_run_writes_nothing(tree):
    before = Organisation.objects.count()
    rows = [HEADER, ["N-1", "新", "其他", "DH-QLZ"], ["DH-QLZ-001", "七里镇甲企业(改)", "企事业单位", "DH-QLZ"]]
    result = run(tree.town_a_admin, rows, dry_run=True)
    assert (result.created, result.updated, result.written) == (1, 1, False)
    assert Organisation.objects.count() == before
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.name == "七里镇甲企业"
    assert not OperationLog.objects.filter(action="org.import").exists()


def test_any_error_writes_nothing(tree):
    rows = [HEADER, ["N-1", "新", "其他", "DH-QLZ"], ["N-2", "坏", "其他", "NOPE"]]
    result = run(tree.town_a_admin, rows)
    assert not result.written and result.errors
    assert not Organisation.objects.filter(code__in=["N-1", "N-2"]).exists()


def test_skip_invalid_writes_valid_rows_and_their_children_only(tree):
    rows = [
        HEADER,
        ["P-OK", "好上级", "其他", "DH-QLZ"],
        ["P-OK-1", "好下级", "其他", "P-OK"],
        ["P-BAD", "坏上级", "外星组织", "DH-QLZ"],
        ["P-BAD-1", "坏上级的下级", "其他", "P-BAD"],
        ["P-BAD-1-1", "再下一级", "其他", "P-BAD-1"],
    ]
    result = run(tree.town_a_admin, rows, skip_invalid=True)
    assert result.written and result.created == 2
    assert set(error_rows(result)) == {4, 5, 6}
    assert codes_under(tree.town_a) == {"DH-QLZ", "DH-QLZ-001", "P-OK", "P-OK-1"}
    assert_tree_sound()
    assert OperationLog.objects.get(action="org.import").after["skipped"] == 3


def test_upsert_updates_moves_and_counts_unchanged(tree):
    rows = [
        HEADER + ["简称"],
        ["DH-QLZ-001", "七里镇甲企业", "企事业单位", "DH-QLZ", ""],  # unchanged
        ["DH-SZZ-001", "沙州镇乙企业", "企事业单位", "DH-QLZ", ""],  # moved
        ["DH-SZZ", "沙州镇工会联合会", "乡镇工会联合会", "DH-ZGH", "沙州镇"],  # updated
        ["NEW-UNDER-MOVED", "新", "其他", "DH-SZZ-001", ""],
    ]
    result = run(tree.committee_admin, rows)
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 2, 1, [])
    tree.unit_b.refresh_from_db()
    tree.town_b.refresh_from_db()
    assert tree.unit_b.path[:-4] == tree.town_a.path
    assert tree.town_b.short_name == "沙州镇" and tree.town_b.numchild == 0
    assert Organisation.objects.get(code="NEW-UNDER-MOVED").path[:-4] == tree.unit_b.path
    assert_tree_sound()


def test_moves_are_ordered_parents_first(tree):
    # town_a goes under a new org that goes under town_b, whose unit moves under town_a's unit.
    rows = [
        HEADER,
        ["DH-SZZ-001", "沙州镇乙企业", "企事业单位", "DH-QLZ-001"],
        ["DH-QLZ", "七里镇工会联合会", "乡镇工会联合会", "MID"],
        ["MID", "中间层", "其他", "DH-SZZ"],
    ]
    result = run(tree.committee_admin, rows)
    assert not result.errors and (result.created, result.updated) == (1, 2)
    mid = Organisation.objects.get(code="MID")
    tree.town_a.refresh_from_db()
    tree.unit_b.refresh_from_db()
    tree.unit_a.refresh_from_db()
    assert mid.path[:-4] == tree.town_b.path
    assert tree.town_a.path[:-4] == mid.path
    assert tree.unit_b.path[:-4] == tree.unit_a.path
    assert_tree_sound()


def test_blank_parent_keeps_existing_org_in_place(tree):
    result = run(tree.town_a_admin, [HEADER, ["DH-QLZ", "七里镇工会联合会(新)", "乡镇工会联合会", ""]])
    assert result.updated == 1 and not result.errors
    tree.town_a.refresh_from_db()
    assert tree.town_a.name == "七里镇工会联合会(新)" and tree.town_a.name_initials == "qlzghlhhx"


def test_export_then_import_is_unchanged(tree):
    from suzhi.core.services.orgs import org_update

    org_update(actor=tree.town_a_admin, org_id=tree.unit_a.pk, data={"contact_phone": "13912345678"})
    orgs = Organisation.objects.filter(path__startswith=tree.town_a.path).select_related("org_type")
    headers, rows = export_table(orgs, show_pii=False)
    assert "139****5678" in rows[1]
    result = run(tree.town_a_admin, [headers, *rows])
    assert (result.unchanged, result.errors) == (2, [])
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.contact_phone == "13912345678"


def test_error_rows_download(tree):
    rows = [["七里镇导入"], HEADER, ["E-1", "好", "其他", "DH-QLZ"], ["E-2", "坏", "其他", "NOPE"],
            ["E-3", "", "其他", "DH-QLZ"]]
    result = run(tree.town_a_admin, rows, dry_run=True)
    sheet = read_rows(error_rows_xlsx(result), "errors.xlsx")
    assert sheet[0][:4] == HEADER and len(sheet[0]) == 5
    assert [r[0] for r in sheet[1:]] == ["E-2", "E-3"]
    assert "NOPE" in sheet[1][4] and sheet[2][4].startswith(("Row 5", "第 5"))


def test_not_a_spreadsheet(tree):
    with pytest.raises(ValidationFailed) as exc:
        run(tree.town_a_admin, None, filename="notes.txt", data=b"hello")
    assert exc.value.code == "not_a_spreadsheet"
    with pytest.raises(ValidationFailed) as exc:
        run(tree.town_a_admin, None, filename="broken.xlsx", data=b"PK\x03\x04 not really a zip")
    assert exc.value.code == "not_a_spreadsheet"


def test_empty_sheet(tree):
    with pytest.raises(ValidationFailed) as exc:
        run(tree.town_a_admin, [])
    assert exc.value.code == "empty_file"
    with pytest.raises(ValidationFailed) as exc:
        run(tree.town_a_admin, [HEADER])
    assert exc.value.code == "empty_file"


def test_no_header_or_missing_columns(tree):
    with pytest.raises(ValidationFailed) as exc:
        run(tree.town_a_admin, [["甲", "乙"], ["1", "2"]])
    assert exc.value.code == "no_header"
    with pytest.raises(ValidationFailed) as exc:
        run(tree.town_a_admin, [["组织编码", "组织名称", "组织类型"], ["X", "一", "其他"]])
    assert exc.value.code == "missing_columns"


def test_too_many_rows(tree):
    SystemParameter.objects.filter(key="org_import_max_rows").update(value="2")
    params.forget()
    try:
        rows = [HEADER] + [[f"M-{i}", "单位", "其他", "DH-QLZ"] for i in range(3)]
        with pytest.raises(ValidationFailed) as exc:
            run(tree.town_a_admin, rows)
        assert exc.value.code == "too_many_rows"
    finally:
        params.forget()


def test_needs_manage_permission(tree):
    with pytest.raises(PermissionDenied):
        run(tree.unit_a_admin, [HEADER, ["X-1", "一", "其他", "DH-QLZ-001"]])


def test_template_has_type_dropdown_and_reads_back(tree):
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    sheet = workbook.worksheets[0]
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1 and "C2" in str(validations[0].sqref)
    labels = [row[2].value for row in workbook["_lists"].iter_rows()]
    assert "乡镇工会联合会" in labels and "学校" in labels
    sheet.append(["TPL-1", "模板单位", "学校", "DH-QLZ"])
    out = io.BytesIO()
    workbook.save(out)
    result = run(tree.town_a_admin, None, data=out.getvalue())
    assert result.created == 1 and not result.errors


def test_ten_thousand_rows_in_bounded_queries(tree, django_assert_max_num_queries):
    rows = []
    for i in range(100):
        rows.append([f"T{i:03d}", f"七里镇第{i}单位", "企事业单位", "DH-QLZ"])
        rows.extend([f"T{i:03d}-{j:02d}", f"第{i}单位{j}班组", "其他", f"T{i:03d}"] for j in range(99))
    random.Random(7).shuffle(rows)
    data = xlsx([HEADER, *rows])
    # SQLite binds at most 999 values a statement, so inserts go in batches of ~60 rows there.
    with django_assert_max_num_queries(250):
        result = run(tree.town_a_admin, None, data=data)
    assert (result.created, result.errors) == (10000, [])
    assert Organisation.objects.filter(path__startswith=tree.town_a.path).count() == 10002
    assert_tree_sound()
