"""The roster import checks a chunk of rows at a time, and on PostgreSQL sends new people to the database
while later chunks are still being checked: the outcome must be that of checking the whole file first."""

import pytest

from suzhi.people.models import Person, PersonCategory
from suzhi.people.services.imports import cleaning
from tests.people.test_imports_service import HEADER, columns_of, on_record, resident_id, run


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(cleaning, "CHECK_CHUNK", 2)


def good(name: str, category: str = "教师") -> list[str]:
    return [name, resident_id(), "", "DH-QLZ-001", category]


def test_an_error_in_a_later_chunk_writes_nothing(tree):
    rows = [HEADER] + [good(f"好{i}") for i in range(5)] + [["坏", "123", "", "DH-QLZ-001", ""]]
    result = run(tree.town_a_admin, rows)
    assert columns_of(result) == {7: ["身份证号"]} and result.created == 5 and not result.written
    assert not Person.objects.exists() and not PersonCategory.objects.exists()
    again = run(tree.town_a_admin, rows[:-1])
    assert again.written and again.created == 5 and Person.objects.count() == 5


def test_skip_invalid_writes_the_valid_rows_of_every_chunk(tree):
    rows = [HEADER, ["坏一", "123", "", "DH-QLZ-001", ""], good("甲"), good("乙"),
            ["坏二", resident_id(), "", "NO-SUCH-ORG", ""], good("丙", "农民工"), good("丁")]
    result = run(tree.town_a_admin, rows, skip_invalid=True)
    assert result.written and result.created == 4 and sorted(columns_of(result)) == [2, 5]
    assert sorted(Person.objects.values_list("name", flat=True)) == ["丁", "丙", "乙", "甲"]
    codes = dict(PersonCategory.objects.values_list("person__name", "dictitem__code"))
    assert codes == {"甲": "teacher", "乙": "teacher", "丙": "migrant", "丁": "teacher"}


def test_repeats_in_different_chunks_name_both_rows(tree):
    number = resident_id()
    rows = [HEADER, ["一", number, "", "DH-QLZ-001", ""], good("二"), good("三"), good("四"),
            ["五", number, "", "DH-QLZ-001", ""]]
    result = run(tree.town_a_admin, rows)
    assert columns_of(result) == {2: ["身份证号"], 6: ["身份证号"]}
    assert "6" in result.errors[0]["message"] and "2" in result.errors[1]["message"]
    assert not Person.objects.exists()


def test_people_on_record_are_updated_from_any_chunk(tree):
    known = on_record("旧名", tree.unit_a, categories=("in_post",))
    rows = [HEADER, good("甲"), good("乙"), good("丙"), ["新名", known.id_number, "", "", "农民工"], good("丁")]
    result = run(tree.town_a_admin, rows)
    assert (result.created, result.updated, result.errors) == (4, 1, [])
    known.refresh_from_db()
    assert known.name == "新名" and list(known.categories.values_list("code", flat=True)) == ["migrant"]
    assert Person.objects.filter(id_number=known.id_number).count() == 1 and Person.objects.count() == 5
