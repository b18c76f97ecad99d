"""The roster import service: headers, normalisation, organisations, scope, upsert, atomicity, queries."""

import datetime
import io
import zipfile

import pytest
from openpyxl import load_workbook
from stdnum.cn import ric

from suzhi.core import params
from suzhi.core.errors import NotFound, PermissionDenied, ValidationFailed
from suzhi.core.imports import error_rows_xlsx
from suzhi.core.models import OperationLog, SystemParameter
from suzhi.people.models import Person, PersonTransfer
from suzhi.people.services.imports import people_import
from suzhi.people.sheet import template_xlsx
from tests.core.factories import make_org
from tests.people import factories
from tests.people.factories import make_person
from tests.support import xlsx

HEADER = ["姓名", "身份证号", "手机号", "单位编码", "人员类别"]


def resident_id(birth=None, *, male=None) -> str:
    """A valid number: the factory's body with the check digit computed by stdnum's rule (which wants
    the number including a placeholder check digit)."""
    body = factories.resident_id(birth, male=male, region="110101")[:17]
    return body + ric.calc_check_digit(body + "0")


def ods(rows) -> bytes:
    """A minimal OpenDocument spreadsheet, built by hand (odfpy is not installed)."""
    from xml.sax.saxutils import escape

    body = "".join(
        "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(c))}</text:p></table:table-cell>'
            for c in row) + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def on_record(name, organisation, **fields):
    """Someone already on the roster with what their ID number says about them."""
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=len(name) * 97 + hash(name) % 3000)
    number = resident_id(birth, male=True)
    return make_person(name, organisation, id_number=number, gender="M", birth_date=birth, **fields)


def run(actor, rows=None, *, filename="roster.xlsx", data=None, dry_run=False, skip_invalid=False,
        default_org_id=None):
    return people_import(
        actor=actor, data=data if data is not None else xlsx(rows), filename=filename,
        default_org_id=default_org_id, dry_run=dry_run, skip_invalid=skip_invalid,
    )


def columns_of(result) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for error in result.errors:
        found.setdefault(error["row"], []).append(error["column"])
    return found


def test_creates_people_with_derived_fields_categories_and_one_log_row(tree):
    number = resident_id(datetime.date(1985, 3, 9), male=False)
    rows = [HEADER, ["张 三", number, "138 0013 8000", "DH-QLZ-001", "在岗职工、工会干部"]]
    result = run(tree.town_a_admin, rows)
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 0, 0, [])
    person = Person.objects.get(id_number=number)
    assert (person.name, person.name_initials, person.id_last4) == ("张三", "zs", number[-4:])
    assert (person.gender, person.birth_date) == ("F", datetime.date(1985, 3, 9))
    assert person.phone == "13800138000" and person.organisation == tree.unit_a
    assert sorted(person.categories.values_list("code", flat=True)) == ["in_post", "union_cadre"]
    log = OperationLog.objects.get(action="person.import")
    assert log.after["created"] == 1 and log.actor == tree.town_a_admin
    assert "13800138000" not in str(log.after) + log.summary


def test_header_under_a_title_row_variants_and_any_order(tree):
    number = resident_id()
    rows = [
        ["七里镇职工花名册（2024年）"],
        [],
        ["所在单位", "类别", "名字", "联系电话", "公民身份号码", "职务", "学历", "政治面貌", "工会会员", "参加工作时间",
         "证件类型"],
        ["七里镇甲企业", "农民工", "李四", "13900139000", number, "班组长", "大学本科", "中共党员", "是",
         "2010年9月1日", "居民身份证"],
    ]
    result = run(tree.town_a_admin, rows)
    assert result.errors == [] and result.created == 1
    person = Person.objects.get(id_number=number)
    assert person.post == "班组长" and person.education.code == "bachelor" and person.political_status.code == "cpc"
    assert person.union_member and person.hire_date == datetime.date(2010, 9, 1)
    assert result.total_rows == 1


def test_normalises_full_width_spaces_and_lowercase_x(tree):
    number = resident_id()
    while not number.endswith("X"):
        number = resident_id()
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + "x"
    rows = [HEADER, ["王　五", f" {typed} ", "１３８００１３８０００", "DH-QLZ-001", "在岗职工"]]
    result = run(tree.town_a_admin, rows)
    assert result.errors == []
    person = Person.objects.get(id_number=number)
    assert person.name == "王五" and person.phone == "13800138000"


@pytest.mark.parametrize("hired", [40000, "40000", "2009/7/6", "2009-07-06", "2009年7月6日", "2009.7.6",
                                   datetime.datetime(2009, 7, 6)])
def test_dates_in_every_form(tree, hired):
    number = resident_id()
    result = run(tree.town_a_admin, [["姓名", "身份证号", "入职日期"], ["赵六", number, hired]],
                 default_org_id=tree.unit_a.pk)
    assert result.errors == []
    assert Person.objects.get(id_number=number).hire_date == datetime.date(2009, 7, 6)


def test_scientific_notation_id_number_says_so(tree):
    result = run(tree.town_a_admin, [["姓名", "身份证号"], ["钱七", "6.20982E+17"], ["孙八", 6.20982198501011e17]],
                 default_org_id=tree.unit_a.pk)
    assert columns_of(result) == {2: ["身份证号"], 3: ["身份证号"]}
    assert all("Excel" in e["message"] for e in result.errors)
    assert not Person.objects.exists()


def test_each_field_error_names_row_and_column(tree):
    good = resident_id(datetime.date(1990, 1, 2), male=True)
    rows = [
        ["姓名", "身份证号", "性别", "出生日期", "手机号", "单位编码", "人员类别", "学历", "政治面貌", "是否工会会员",
         "入职日期", "证件类型"],
        ["", resident_id(), "", "", "", "", "", "", "", "", "", ""],                          # 2 name missing
        ["甲", good[:-1] + ("0" if good[-1] != "0" else "1"), "", "", "", "", "", "", "", "", "", ""],  # 3 checksum
        ["乙", good, "女", "", "", "", "", "", "", "", "", ""],                               # 4 gender mismatch
        ["丙", resident_id(datetime.date(1991, 5, 5)), "", "1991-05-06", "", "", "", "", "", "", "", ""],  # 5 birth
        ["丁", resident_id(), "", "", "12345", "", "", "", "", "", "", ""],                  # 6 phone
        ["戊", resident_id(), "", "", "", "NOPE", "", "", "", "", "", ""],                   # 7 unknown org
        ["己", resident_id(), "", "", "", "", "宇航员", "", "", "", "", ""],                  # 8 category
        ["庚", resident_id(), "", "", "", "", "", "博士后", "", "", "", ""],                  # 9 education
        ["辛", resident_id(), "", "", "", "", "", "", "无党派", "", "", ""],                  # 10 political
        ["壬", resident_id(), "", "", "", "", "", "", "", "也许", "", ""],                    # 11 union member
        ["癸", resident_id(), "", "", "", "", "", "", "", "", "明年", ""],                    # 12 date
        ["子", resident_id(), "", "", "", "", "", "", "", "", "", "驾照"],                    # 13 id type
        ["丑", resident_id(), "不详", "", "", "", "", "", "", "", "", ""],                   # 14 gender word
        ["寅", "", "", "", "", "", "", "", "", "", "", ""],                                  # 15 id missing
    ]
    result = run(tree.town_a_admin, rows, default_org_id=tree.unit_a.pk)
    assert columns_of(result) == {
        2: ["姓名"], 3: ["身份证号"], 4: ["性别"], 5: ["出生日期"], 6: ["手机号"], 7: ["单位编码"], 8: ["人员类别"],
        9: ["学历"], 10: ["政治面貌"], 11: ["是否工会会员"], 12: ["入职日期"], 13: ["证件类型"], 14: ["性别"],
        15: ["身份证号"],
    }
    gender_error = next(e for e in result.errors if e["row"] == 4)["message"]
    assert "女" in gender_error and "男" in gender_error
    birth_error = next(e for e in result.errors if e["row"] == 5)["message"]
    assert "1991-05-06" in birth_error and "1991-05-05" in birth_error
    assert all(e["message"].startswith("Row") or "行" in e["message"] for e in result.errors)
    assert not Person.objects.exists()


def test_other_id_types_take_gender_and_birth_from_columns(tree):
    rows = [["姓名", "证件类型", "证件号码", "性别", "出生日期"],
            ["John Smith", "护照", "e1234567", "男", "1980-01-01"]]
    result = run(tree.town_a_admin, rows, default_org_id=tree.unit_a.pk)
    assert result.errors == []
    person = Person.objects.get(id_number="E1234567")
    assert (person.id_type, person.gender, person.birth_date) == ("passport", "M", datetime.date(1980, 1, 1))
    assert person.name == "John Smith"


def test_organisation_by_name_path_or_unique_name(tree):
    make_org("甲企业", parent=tree.town_a, code="QLZ-X")
    make_org("甲企业", parent=tree.town_b, code="SZZ-X")
    a, b, c = resident_id(), resident_id(), resident_id()
    rows = [["姓名", "身份证号", "单位"],
            ["一", a, "敦煌市总工会/七里镇工会联合会/七里镇甲企业"],
            ["二", b, "七里镇工会联合会/甲企业"],
            ["三", c, "沙州镇乙企业"]]
    result = run(tree.committee_admin, rows)
    assert result.errors == []
    assert Person.objects.get(id_number=a).organisation == tree.unit_a
    assert Person.objects.get(id_number=b).organisation.code == "QLZ-X"
    assert Person.objects.get(id_number=c).organisation == tree.unit_b
    ambiguous = run(tree.committee_admin, [["姓名", "身份证号", "单位"], ["四", resident_id(), "甲企业"]])
    assert columns_of(ambiguous) == {2: ["单位"]}


def test_town_admin_cannot_import_into_another_town(tree):
    rows = [HEADER, ["一", resident_id(), "", "DH-SZZ-001", ""], ["二", resident_id(), "", "沙州镇乙企业", ""]]
    result = run(tree.town_a_admin, rows)
    assert columns_of(result) == {2: ["单位编码"], 3: ["单位编码"]}
    assert "scope" in result.errors[0]["message"] or "数据权限" in result.errors[0]["message"]
    assert not run(tree.town_a_admin, rows, skip_invalid=True).written
    assert not Person.objects.exists()
    with pytest.raises(NotFound):
        run(tree.town_a_admin, [["姓名", "身份证号"], ["三", resident_id()]], default_org_id=tree.unit_b.pk)


def test_town_admin_cannot_update_another_towns_person(tree):
    other = make_person("沙州人", tree.unit_b, phone="13700000000", id_number=resident_id())
    result = run(tree.town_a_admin, [HEADER, ["改名", other.id_number, "", "DH-QLZ-001", ""]])
    assert columns_of(result) == {2: ["身份证号"]}
    other.refresh_from_db()
    assert other.name == "沙州人" and other.organisation == tree.unit_b


def test_default_organisation_for_rows_without_one(tree):
    number = resident_id()
    result = run(tree.town_a_admin, [["姓名", "身份证号", "单位编码"], ["一", number, ""]],
                 default_org_id=tree.unit_a.pk)
    assert result.errors == []
    assert Person.objects.get(id_number=number).organisation == tree.unit_a
    missing = run(tree.town_a_admin, [["姓名", "身份证号"], ["二", resident_id()]])
    assert columns_of(missing) == {2: [""]}


def test_upsert_updates_counts_unchanged_and_keeps_history(tree):
    same = on_record("不变", tree.unit_a, phone="13800000001")
    moved = on_record("调动", tree.unit_a, phone="13800000002")
    renamed = on_record("旧名", tree.unit_a, categories=("in_post",))
    rows = [HEADER,
            ["不变", same.id_number, "13800000001", "DH-QLZ-001", "在岗职工"],
            ["调动", moved.id_number, "13800000002", "DH-QLZ", "在岗职工"],
            ["新名", renamed.id_number.lower(), "", "", "农民工"],
            ["新人", resident_id(), "", "DH-QLZ-001", ""]]
    result = run(tree.town_a_admin, rows)
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 2, 1, [])
    moved.refresh_from_db()
    renamed.refresh_from_db()
    assert moved.organisation == tree.town_a
    assert PersonTransfer.objects.get(person=moved).from_organisation == tree.unit_a
    assert renamed.name == "新名" and renamed.name_initials == "xm" and renamed.organisation == tree.unit_a
    assert list(renamed.categories.values_list("code", flat=True)) == ["migrant"]
    again = run(tree.town_a_admin, rows[:4])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_masked_phone_from_an_export_keeps_the_number(tree):
    person = on_record("掩码", tree.unit_a, phone="13812345678")
    result = run(tree.town_a_admin, [HEADER, ["掩码", person.id_number, "138****5678", "", "在岗职工"]])
    assert result.errors == [] and result.unchanged == 1
    person.refresh_from_db()
    assert person.phone == "13812345678"


def test_duplicates_in_the_file_name_both_rows(tree):
    number = resident_id()
    result = run(tree.town_a_admin, [HEADER, ["一", number, "", "DH-QLZ-001", ""],
                                     ["二", resident_id(), "", "DH-QLZ-001", ""],
                                     ["三", number, "", "DH-QLZ-001", ""]])
    assert columns_of(result) == {2: ["身份证号"], 4: ["身份证号"]}
    assert "4" in result.errors[0]["message"] and "2" in result.errors[1]["message"]


def test_any_error_writes_nothing_and_skip_invalid_writes_the_valid_rows(tree):
    rows = [HEADER, ["好", resident_id(), "", "DH-QLZ-001", ""], ["坏", "123", "", "DH-QLZ-001", ""]]
    result = run(tree.town_a_admin, rows)
    assert result.created == 1 and not result.written and not Person.objects.exists()
    assert not OperationLog.objects.filter(action="person.import").exists()
    dry = run(tree.town_a_admin, rows, dry_run=True, skip_invalid=True)
    assert not dry.written and not Person.objects.exists()
    skipped = run(tree.town_a_admin, rows, skip_invalid=True)
    assert skipped.written and list(Person.objects.values_list("name", flat=True)) == ["好"]
    assert OperationLog.objects.get(action="person.import").after["skipped"] == 1


def test_error_report_round_trip(tree):
    good, bad_phone = resident_id(), resident_id()
    rows = [HEADER, ["好", good, "", "DH-QLZ-001", ""], ["待改", bad_phone, "1234", "DH-QLZ-001", "教师"]]
    result = run(tree.town_a_admin, rows, skip_invalid=True)
    assert result.created == 1 and result.invalid_rows == 1
    sheet = load_workbook(io.BytesIO(error_rows_xlsx(result))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][:5] == HEADER and len(values[0]) == 6 and len(values) == 2
    assert values[1][0] == "待改" and "手机号" in values[1][5]
    values[1][2] = "13912345678"  # the clerk fixes the phone and uploads the same sheet again
    again = run(tree.town_a_admin, values)
    assert (again.created, again.errors) == (1, [])
    assert Person.objects.get(id_number=bad_phone).categories.get().code == "teacher"


def test_gbk_csv(tree):
    number = resident_id()
    data = f"姓名,身份证号,单位编码,人员类别\n张三,{number},DH-QLZ-001,教师\n".encode("gbk")
    result = run(tree.town_a_admin, data=data, filename="名册.csv")
    assert result.errors == [] and Person.objects.get(id_number=number).name == "张三"


def test_ods(tree):
    number = resident_id()
    result = run(tree.town_a_admin, data=ods([HEADER, ["李四", number, "13800138000", "DH-QLZ-001", "农民工"]]),
                 filename="名册.ods")
    assert result.errors == [] and Person.objects.get(id_number=number).phone == "13800138000"


def test_xls_is_read_by_calamine(tree):
    xlwt = pytest.importorskip("xlwt", reason="no .xls writer (xlwt) is installed to build a sample file")
    number = resident_id()
    book = xlwt.Workbook()
    sheet = book.add_sheet("名册")
    for r, row in enumerate([HEADER, ["王五", number, "13800138000", "DH-QLZ-001", "教师"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    result = run(tree.town_a_admin, data=out.getvalue(), filename="名册.xls")
    assert result.errors == [] and Person.objects.get(id_number=number).name == "王五"


@pytest.mark.parametrize(("data", "filename", "code"), [
    (b"%PDF-1.4 not a sheet", "roster.pdf", "not_a_spreadsheet"),
    (b"PK\x03\x04broken", "roster.xlsx", "not_a_spreadsheet"),
    (xlsx([[]]), "roster.xlsx", "empty_file"),
    (xlsx([HEADER]), "roster.xlsx", "empty_file"),
    (xlsx([["序号", "备注"], ["1", "x"]]), "roster.xlsx", "no_header"),
    (xlsx([["姓名", "手机号"], ["张三", "13800138000"]]), "roster.xlsx", "missing_columns"),
])
def test_whole_file_errors(tree, data, filename, code):
    with pytest.raises(ValidationFailed) as caught:
        run(tree.town_a_admin, data=data, filename=filename)
    assert caught.value.code == code


def test_too_many_rows(tree):
    SystemParameter.objects.update_or_create(key="import_max_rows",
                                             defaults={"name": "max", "value": "2", "value_type": "int"})
    params.forget()
    rows = [HEADER] + [["人", resident_id(), "", "DH-QLZ-001", ""] for _ in range(3)]
    with pytest.raises(ValidationFailed) as caught:
        run(tree.town_a_admin, rows)
    assert caught.value.code == "too_many_rows"


def test_needs_import_permission(tree):
    with pytest.raises(PermissionDenied):
        run(tree.participant_a, [HEADER, ["人", resident_id(), "", "DH-QLZ-001", ""]])


def test_template_has_dropdowns_and_reads_back(tree):
    book = load_workbook(io.BytesIO(template_xlsx()))
    sheet = book.worksheets[0]
    assert len(sheet.data_validations.dataValidation) == 6
    lists = book["_lists"]
    values = {c.value for row in lists.iter_rows() for c in row if c.value}
    assert {"男", "女", "在岗职工", "大学本科", "中共党员"} <= values
    headers = [c.value for c in sheet[1]]
    number = resident_id()
    filled = [headers, ["模板", "居民身份证", number] + [""] * (len(headers) - 3)]
    result = run(tree.town_a_admin, filled, default_org_id=tree.unit_a.pk)
    assert result.errors == [] and result.created == 1


@pytest.mark.parametrize("existing", [False, True])
def test_queries_do_not_grow_with_rows(tree, django_assert_num_queries, existing):
    def sheet(n, prefix):
        return [HEADER] + [[f"{prefix}{i}", resident_id(), "13800138000", "DH-QLZ-001", "在岗职工、教师"]
                           for i in range(n)]

    small, large = sheet(20, "甲"), sheet(200, "乙")
    if existing:
        run(tree.town_a_admin, small)
        run(tree.town_a_admin, large)
        for rows in (small, large):
            for row in rows[1:]:
                row[4] = "农民工"
                row[0] += "改"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Bulk inserts and updates come in batches (SQLite binds at most 999 values per statement); every
    # other query is made once per import, whatever the number of rows.
    run(tree.town_a_admin, small[:2], dry_run=True)  # scope and parameters cached, as in any later import
    lookups, batches = [], []
    for rows in (small, large):
        with CaptureQueriesContext(connection) as captured:
            result = run(tree.town_a_admin, rows)
        assert result.errors == []
        writes = [q for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
        lookups.append(len(captured) - len(writes))
        batches.append(len(writes))
    assert lookups[0] == lookups[1]
    assert batches[1] <= batches[0] + 200 // 40


def test_short_csv_rows_blank_rows_and_absent_columns(tree):
    """Rows shorter than the header read as blank cells; a row blank in every known column is skipped
    even with text in an unknown one; a column the file lacks is never a blank value."""
    first, second = resident_id(male=True), resident_id(male=False)
    data = (f"姓名,身份证号,单位编码,性别,备注\n"
            f"张三,{first},DH-QLZ-001\n"
            f" , ,\u3000,,只有备注\n"
            f"李四,{second},DH-QLZ-001,男,x\n"
            f"王五,123\n").encode()
    result = run(tree.town_a_admin, data=data, filename="名册.csv", skip_invalid=True)
    assert result.total_rows == 3 and result.created == 1
    assert [(e["row"], e["column"]) for e in result.errors] == [(4, "性别"), (5, "身份证号"), (5, "单位编码")]
    assert result.error_rows[0][0] == ["李四", second, "DH-QLZ-001", "男", "x"]
    assert result.error_rows[1][0] == ["王五", "123", "", "", ""]
    person = Person.objects.get(id_number=first)
    assert (person.gender, person.phone, person.post, person.categories.count()) == ("M", "", "", 0)


def test_repeated_values_are_checked_on_every_row(tree):
    """Cells of the same text share their checking, and each row still gets its own messages."""
    rows = [HEADER + ["学历"]]
    for i in range(4):
        rows.append([f"人{i}", resident_id(), "13800138000", "DH-QLZ-001", "教师、没有这类", "博士后"])
    rows.append(["人4", resident_id(), "13800138000", "DH-QLZ-001", "教师", ""])
    result = run(tree.town_a_admin, rows, skip_invalid=True)
    assert columns_of(result) == {n: ["学历", "人员类别"] for n in range(2, 6)}
    assert [e["message"].count("没有这类") for e in result.errors[1::2]] == [1, 1, 1, 1]
    assert result.created == 1 and Person.objects.get(name="人4").categories.get().code == "teacher"


def test_new_people_and_their_categories_get_their_own_keys(tree):
    """Primary keys are taken before the INSERT: after deletions they never reuse a number."""
    person = on_record("旧人", tree.unit_a)
    old_pk = person.pk
    person.delete()
    numbers = [resident_id() for _ in range(3)]
    result = run(tree.town_a_admin, [HEADER] + [[f"新{i}", n, "", "DH-QLZ-001", "教师、农民工"]
                                                for i, n in enumerate(numbers)])
    assert result.created == 3
    people = list(Person.objects.filter(id_number__in=numbers).order_by("pk"))
    assert [p.name for p in people] == ["新0", "新1", "新2"] and people[0].pk > old_pk
    assert all(sorted(p.categories.values_list("code", flat=True)) == ["migrant", "teacher"] for p in people)
    assert make_person("后来", tree.unit_a).pk > people[-1].pk


def test_region_codes_of_older_workers_and_unknown_codes_are_per_row_errors(tree):
    """Issue 14: a number keeps the region code in force when it was issued (622103 for someone born
    in Dunhuang in 1975); a code abolished before the birth, one that never existed and one stdnum
    knows only the province of (629999, on which stdnum itself raises KeyError) are errors of their
    row, in Chinese, and the import goes on to report every row."""
    from django.utils import translation

    def number(body17):
        return body17 + ric.calc_check_digit(body17 + "0")

    rows = [
        ["姓名", "身份证号"],
        ["老张", number("62210319750614003")],   # 2 born 1975, issued 1990 under 敦煌市 (1987-2002): accepted
        ["小王", number("62212219900101002")],   # 3 敦煌县 was abolished in 1987, before the birth
        ["小李", number("99999919800101002")],   # 4 never a region
        ["小赵", number("62999919800101002")],   # 5 under 甘肃省 but no county: stdnum's KeyError
        ["老刘", number("62212219700101001")],   # 6 the birth year's own code: accepted
    ]
    with translation.override("zh-hans"):
        result = run(tree.town_a_admin, rows, default_org_id=tree.unit_a.pk, skip_invalid=True)
    assert columns_of(result) == {3: ["身份证号"], 4: ["身份证号"], 5: ["身份证号"]}
    messages = {e["row"]: e["message"] for e in result.errors}
    assert "622122" in messages[3] and "1987 年撤销" in messages[3]
    assert "999999" in messages[4] and "不是任何行政区划" in messages[4]
    assert "629999" in messages[5] and "不是任何行政区划" in messages[5]
    assert result.created == 2
    old = Person.objects.get(name="老张")
    assert (old.birth_date, old.gender) == (datetime.date(1975, 6, 14), "M")
