"""The roster import keeps `Person.category_key` exact, for the people it adds (multi-row INSERTs on SQLite,
the streaming COPY on PostgreSQL) and those it updates, and tells the followers once, with exactly the people
on record whose organisation or categories it changed."""

from suzhi.people.category_keys import category_key
from suzhi.people.models import Person
from tests.people.factories import category
from tests.people.test_imports_service import HEADER, on_record, resident_id, run


def key_of(*codes: str) -> str:
    return category_key(category(code).pk for code in codes)


def keys() -> dict[str, str]:
    return dict(Person.objects.values_list("name", "category_key"))


def test_new_people_get_the_key_of_their_categories(tree, followed):
    rows = [HEADER,
            ["甲", resident_id(), "", "DH-QLZ-001", "农民工、教师"],
            ["乙", resident_id(), "", "DH-QLZ-001", "教师、农民工、教师"],
            ["丙", resident_id(), "", "DH-QLZ-001", ""],
            ["丁", resident_id(), "", "DH-QLZ-001", "在岗职工"]]
    result = run(tree.town_a_admin, rows)
    assert result.created == 4 and result.errors == []
    both = key_of("migrant", "teacher")
    assert keys() == {"甲": both, "乙": both, "丙": "", "丁": key_of("in_post")}
    assert followed == []  # new people only


def test_new_people_of_a_file_with_skipped_rows_get_their_keys(tree, followed):
    """With skip_invalid and an invalid row, PostgreSQL writes the new people after the check instead of
    streaming them: the other path through the INSERT."""
    rows = [HEADER,
            ["好", resident_id(), "", "DH-QLZ-001", "工会干部、在岗职工"],
            ["坏", "123", "", "DH-QLZ-001", "教师"],
            ["也好", resident_id(), "", "DH-QLZ-001", ""]]
    result = run(tree.town_a_admin, rows, skip_invalid=True)
    assert result.created == 2 and result.written
    assert keys() == {"好": key_of("union_cadre", "in_post"), "也好": ""}
    assert followed == []


def test_updated_people_get_their_new_key_and_the_followers_hear_once(tree, followed):
    same = on_record("不变", tree.unit_a, categories=("in_post",))
    renamed = on_record("旧名", tree.unit_a, categories=("in_post",))
    recategorised = on_record("换类", tree.unit_a, categories=("in_post",))
    moved = on_record("调动", tree.unit_a, categories=("in_post", "teacher"))
    both = on_record("都变", tree.unit_a, categories=())
    reordered = on_record("同类", tree.unit_a, categories=("teacher", "migrant"))
    blank = on_record("空白", tree.unit_a, categories=("teacher",))
    rows = [HEADER,
            ["不变", same.id_number, "", "DH-QLZ-001", "在岗职工"],
            ["新名", renamed.id_number, "", "", "在岗职工"],
            ["换类", recategorised.id_number, "", "", "农民工、教师"],
            ["调动", moved.id_number, "", "DH-QLZ", "教师、在岗职工"],
            ["都变", both.id_number, "", "DH-QLZ", "工会干部"],
            ["同类", reordered.id_number, "13800138000", "", "农民工、教师"],
            ["空白", blank.id_number, "", "", ""],  # a blank cell leaves the categories as they are
            ["新人", resident_id(), "", "DH-QLZ-001", "教师"]]
    result = run(tree.town_a_admin, rows)
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 5, 2, [])
    assert keys() == {
        "不变": key_of("in_post"), "新名": key_of("in_post"), "换类": key_of("migrant", "teacher"),
        "调动": key_of("in_post", "teacher"), "都变": key_of("union_cadre"), "同类": key_of("migrant", "teacher"),
        "空白": key_of("teacher"), "新人": key_of("teacher"),
    }
    assert followed == [sorted([recategorised.pk, moved.pk, both.pk])]
    # Told after the people and their links were written, inside the import's transaction.
    assert followed.seen == [{
        recategorised.pk: (tree.unit_a.pk, key_of("migrant", "teacher"), True, True),
        moved.pk: (tree.town_a.pk, key_of("in_post", "teacher"), True, True),
        both.pk: (tree.town_a.pk, key_of("union_cadre"), True, True),
    }]
    # The same file again changes nothing and tells nobody.
    again = run(tree.town_a_admin, rows[:-1])
    assert (again.created, again.updated) == (0, 0) and len(followed) == 1


def test_a_dry_run_or_a_file_with_errors_tells_nobody(tree, followed):
    person = on_record("调动", tree.unit_a, categories=("in_post",))
    rows = [HEADER, ["调动", person.id_number, "", "DH-QLZ", "教师"], ["坏", "123", "", "DH-QLZ-001", ""]]
    assert run(tree.town_a_admin, rows[:2], dry_run=True).updated == 1
    assert not run(tree.town_a_admin, rows).written
    assert followed == [] and keys() == {"调动": key_of("in_post")}
