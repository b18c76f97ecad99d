"""The one import pipeline: header variants under title rows, CSV encodings, row and column errors, the
atomic / skip-invalid decision, error rows and templates with dropdowns."""

import io

import pytest
from openpyxl import load_workbook

from suzhi.core.errors import ValidationFailed
from suzhi.core.excel import read_rows
from suzhi.core.imports import Column, Columns, ImportResult, error_rows_xlsx, read_sheet, template_xlsx

COLUMNS = Columns((
    Column("name", "姓名", True, ("名字", "name")),
    Column("hours", "学时", False, ("学时数", "hours")),
    Column("kind", "类型", False, choices=("甲", "乙")),
))


def csv_bytes(rows, encoding):
    return "\n".join(",".join(row) for row in rows).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_header_variants_under_a_title_row_in_csv_encodings(encoding):
    rows = [["2024年培训名单"], ["", ""], ["学时数（小时）", "* 名字"], ["3", "张三"], ["", ""], ["4", "李四"]]
    data = csv_bytes(rows, encoding)
    sheet = read_sheet(data, "list.csv", COLUMNS, max_rows=10)
    assert sheet.positions == {"hours": 0, "name": 1}
    assert sheet.numbers == [4, 6]  # blank rows skipped, numbers as the clerk sees them
    assert [sheet.cell(row, "name") for row in sheet.rows] == ["张三", "李四"]
    assert sheet.titles == {"hours": "学时数（小时）", "name": "* 名字"}


def test_missing_required_column_and_row_limit():
    with pytest.raises(ValidationFailed) as missing:
        read_sheet(csv_bytes([["学时"], ["3"]], "utf-8"), "x.csv",
                   Columns(COLUMNS.columns, is_header=lambda found: bool(found)), max_rows=10)
    assert missing.value.code == "missing_columns"
    with pytest.raises(ValidationFailed) as too_many:
        read_sheet(csv_bytes([["姓名"], ["a"], ["b"], ["c"]], "utf-8"), "x.csv", COLUMNS, max_rows=2)
    assert too_many.value.code == "too_many_rows"


class _Row:
    def __init__(self, number, raw, messages, existing=None):
        self.number, self.raw, self.messages, self.existing = number, raw, messages, existing

    @property
    def ok(self):
        return not self.messages


def test_errors_by_row_and_column_atomic_or_skip_invalid_and_error_rows():
    rows = [_Row(2, ["张三", "3"], []), _Row(3, ["", "x"], [("name", "必填"), ("hours", "不是数字")])]
    titles = {"name": "姓名", "hours": "学时"}
    atomic = ImportResult()
    assert atomic.tally(rows, titles, is_update=lambda row: False, skip_invalid=False) == []
    assert [(e["row"], e["column"]) for e in atomic.errors] == [(3, "姓名"), (3, "学时")]
    assert (atomic.created, atomic.invalid_rows) == (1, 1)
    skipping = ImportResult()
    assert skipping.tally(rows, titles, is_update=lambda row: False, skip_invalid=True) == [rows[0]]
    assert ImportResult(dry_run=True).tally(rows[:1], titles, is_update=lambda row: False, skip_invalid=True) == []
    atomic.headers = ["姓名", "学时"]
    sheet = read_rows(error_rows_xlsx(atomic), "e.xlsx")
    assert sheet[1][:2] == ["", "x"] and "必填" in sheet[1][2] and "不是数字" in sheet[1][2]


def test_template_has_dropdowns_and_reads_back():
    data = template_xlsx(COLUMNS, sheet_title="名单", choices={"hours": ["1", "2"]})
    book = load_workbook(io.BytesIO(data))
    rules = {str(rule.sqref).split(":")[0]: rule.formula1 for rule in book["名单"].data_validations.dataValidation}
    assert set(rules) == {"B2", "C2"}
    assert read_rows(data, "t.xlsx")[0] == ["姓名", "学时", "类型"]
