"""Importing a masked export (ID numbers with *): one clear error per row, saying to use the export for re-import."""

import pytest

from suzhi.people.models import Person
from tests.people.test_imports_service import run

pytestmark = pytest.mark.django_db


def test_a_masked_export_gives_one_clear_error_per_row(tree):
    rows = [["姓名", "身份证号", "手机号", "单位编码"],
            ["钱七", "620982********1234", "139****0001", tree.unit_a.code],
            ["孙八", "620982********567X", "139****0002", tree.unit_a.code]]
    result = run(tree.town_a_admin, rows, default_org_id=tree.unit_a.pk)
    assert [e["row"] for e in result.errors] == [2, 3]
    assert all(e["message"].endswith("：身份证号已脱敏（含*），不能用于导入；请使用“导出（可重新导入）”。")
               for e in result.errors)
    assert not Person.objects.exists()


def test_the_export_page_says_a_masked_export_cannot_be_imported(tree, login_client):
    page = login_client(tree.town_a_admin).get("/people/export/").content.decode()
    assert "脱敏导出的文件（身份证号含*）不能再次导入" in page
