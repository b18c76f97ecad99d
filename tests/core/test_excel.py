import io

import pytest
from openpyxl import load_workbook

from suzhi.core.errors import ValidationFailed
from suzhi.core.excel import cell_text, read_rows, write_xlsx


def test_write_then_read_round_trip_with_dropdown():
    data = write_xlsx(["编码", "类型"], [["A1", "学校"], ["A2", "培训站"]], sheet_title="组织",
                      validations={1: ["学校", "培训站", "其他"]})
    assert read_rows(data, "x.xlsx")[:3] == [["编码", "类型"], ["A1", "学校"], ["A2", "培训站"]]
    book = load_workbook(io.BytesIO(data))
    sheet = book["组织"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    rule = sheet.data_validations.dataValidation[0]
    assert "B2" in str(rule.sqref)
    assert [c.value for c in book["_lists"]["B"]] == ["学校", "培训站", "其他"]
    assert book["_lists"].sheet_state == "hidden"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_chinese_encodings(encoding):
    data = "编码,名称\nA1,七里镇\n".encode(encoding)
    assert read_rows(data, "orgs.csv") == [["编码", "名称"], ["A1", "七里镇"]]


def test_not_a_spreadsheet():
    with pytest.raises(ValidationFailed) as caught:
        read_rows(b"%PDF-1.4", "plan.pdf")
    assert caught.value.code == "not_a_spreadsheet"
    with pytest.raises(ValidationFailed):
        read_rows(b"garbage that is not zip", "fake.xlsx")


def test_cell_text():
    assert cell_text(1001.0) == "1001"
    assert cell_text("  七里镇 ") == "七里镇"
    assert cell_text(None) == ""
