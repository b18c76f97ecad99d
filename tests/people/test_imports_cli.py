"""`suzhi people import`: exit codes, JSON output, nothing written on errors without --skip-invalid."""

import json

import pytest
from django.core.management import call_command

from suzhi.people.models import Person
from tests.core.factories import UserFactory
from tests.people.test_imports_service import HEADER, resident_id
from tests.support import xlsx


@pytest.fixture
def admin(db):
    return UserFactory(username="root", is_superuser=True)


def cli(*args):
    import io

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("people", *args, stdout=out, stderr=err)
    return exited.value.code, out.getvalue(), err.getvalue()


def sheet(tmp_path, rows, name="r.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx(rows))
    return str(path)


def test_clean_file_exits_0_with_json(tree, admin, tmp_path):
    number = resident_id()
    file = sheet(tmp_path, [["姓名", "身份证号"], ["命令", number]])
    code, out, _err = cli("import", file, "--org", "DH-QLZ-001", "--json")
    assert code == 0
    assert json.loads(out) == {"created": 1, "updated": 0, "unchanged": 0, "errors": []}
    assert Person.objects.get().organisation == tree.unit_a
    code, out, _err = cli("import", file, "--org", "DH-QLZ-001", "--json")
    assert code == 0 and json.loads(out)["unchanged"] == 1


def test_errors_exit_1_and_write_nothing_without_skip_invalid(tree, admin, tmp_path):
    file = sheet(tmp_path, [HEADER, ["好", resident_id(), "", "DH-QLZ-001", ""], ["坏", "12", "", "DH-QLZ-001", ""]])
    code, out, _err = cli("import", file, "--json")
    body = json.loads(out)
    assert code == 1 and body["created"] == 1 and [e["row"] for e in body["errors"]] == [3]
    assert set(body["errors"][0]) == {"row", "column", "message"}
    assert not Person.objects.exists()
    code, _out, _err = cli("import", file, "--dry-run", "--skip-invalid")
    assert code == 1 and not Person.objects.exists()
    code, _out, err = cli("import", file, "--skip-invalid")
    assert code == 1 and "3" in err
    assert list(Person.objects.values_list("name", flat=True)) == ["好"]


def test_acting_user_scope_applies(tree, admin, tmp_path):
    file = sheet(tmp_path, [HEADER, ["人", resident_id(), "", "DH-QLZ-001", ""]])
    code, out, _err = cli("import", file, "--as", "town_b", "--json", "--skip-invalid")
    assert code == 1 and json.loads(out)["errors"][0]["column"] == "单位编码"
    assert not Person.objects.exists()


def test_whole_file_error_in_json(tree, admin, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"not a sheet")
    code, out, _err = cli("import", str(path), "--json")
    assert code == 1 and json.loads(out)["errors"][0]["row"] == 0
