"""A township clerk uploads a roster sheet, reads the preview with its errors, and imports the valid rows."""

import io

import pytest
from openpyxl import Workbook
from stdnum.cn import ric

from suzhi.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def roster(tmp_path):
    good = "11010119850309001"
    good += ric.calc_check_digit(good + "0")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["七里镇职工花名册"])
    sheet.append(["姓名", "身份证号", "手机号", "人员类别"])
    sheet.append(["张三", good, "13800138000", "在岗职工"])
    sheet.append(["李四", "6.20982E+17", "13800138001", "农民工"])
    out = io.BytesIO()
    workbook.save(out)
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(out.getvalue())
    return path, good


def test_clerk_uploads_a_roster_and_reads_the_preview(live_server, page, tree, password, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path, good = roster(tmp_path)
    page.goto(f"{live_server.url}/people/import/")
    page.wait_for_url("**/login/**")
    page.fill("input[name=login]", "town_a")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/people/import/")

    page.set_input_files("input[name=file]", str(path))
    page.select_option("select[name=organisation]", label="\u3000七里镇甲企业")
    page.click("main form button[type=submit]")
    page.locator("#import-summary").wait_for()
    assert page.locator("[data-count=created]").inner_text() == "1"
    assert page.locator("[data-count=errors]").inner_text() == "1"
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.locator("td").first.inner_text() == "4"  # the row number the clerk sees in Excel
    assert "身份证号" in errors.first.inner_text()
    assert not Person.objects.exists()

    page.check("input[name=skip_invalid]")
    page.click("main form.card button[type=submit]")
    page.locator("#import-summary").wait_for()
    person = Person.objects.get()
    assert person.id_number == good and person.organisation == tree.unit_a
