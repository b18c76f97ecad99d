"""What still guards the references around a roster import. References to dictionary items and the
category links' references to people have no foreign-key constraint (the import locks the items it
checks, and the people whose links it replaces); a person's organisation and login keep theirs. On
PostgreSQL the foreign keys checked batch by batch while new people stream in are checked at commit again
afterwards, and a failure in the streaming thread undoes the whole file."""

import psycopg
import pytest
from django.db import DatabaseError, connection

from suzhi.core.errors import Conflict
from suzhi.core.models import DictItem
from suzhi.people.models import Person, PersonCategory
from suzhi.people.services import imports
from suzhi.people.services.imports import new_people
from tests.people.test_imports_service import HEADER, on_record, resident_id, run

ROWS = [HEADER, ["张三", resident_id(), "", "DH-QLZ-001", "教师"], ["李四", resident_id(), "", "DH-QLZ-001", ""]]
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's streaming import")


def foreign_keys(model) -> dict[str, tuple[str, str]]:
    """The column -> (table, column) of each foreign-key constraint of `model`'s table."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {c["columns"][0]: c["foreign_key"] for c in found.values() if c["foreign_key"]}


@pytest.mark.django_db
def test_only_the_references_to_dictionary_items_and_the_category_links_lose_their_constraints():
    assert set(foreign_keys(Person)) == {"organisation_id", "user_id"}
    assert foreign_keys(PersonCategory) == {}


def test_a_person_removed_while_the_file_is_checked_stops_the_import(tree, monkeypatch):
    known = on_record("旧名", tree.unit_a, categories=("in_post",))
    real_gather = imports._gather

    def gather_then_remove(**kwargs):
        facts = real_gather(**kwargs)
        Person.objects.filter(pk=known.pk).delete()  # as another transaction might, before the write
        return facts

    monkeypatch.setattr(imports, "_gather", gather_then_remove)
    rows = [HEADER, ["旧名", known.id_number, "", "", "农民工"], ["新人", resident_id(), "", "DH-QLZ-001", "教师"]]
    with pytest.raises(Conflict):
        run(tree.town_a_admin, rows)
    # Everything undone, the removal included (it ran inside the import's transaction here).
    assert list(Person.objects.values_list("name", flat=True)) == ["旧名"]
    assert list(PersonCategory.objects.values_list("dictitem__code", flat=True)) == ["in_post"]


def test_a_protected_dictionary_item_still_cannot_be_deleted_through_the_orm(tree):
    from django.db.models import ProtectedError

    rows = [["姓名", "身份证号", "单位编码", "学历"], ["张三", resident_id(), "DH-QLZ-001", "大学本科"]]
    run(tree.town_a_admin, rows)
    item = Person.objects.get().education
    assert item is not None
    with pytest.raises(ProtectedError):
        item.delete()


@postgresql_only
def test_the_import_locks_the_dictionary_items_against_deletion_until_it_commits(tree, settings):
    run(tree.town_a_admin, ROWS)  # the test's transaction is still open: so are the import's locks
    item = DictItem.objects.get(dict_type__code="person_category", label="教师")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SET lock_timeout = '200ms'")
        other.execute("SELECT 1 FROM core_dictitem WHERE id = %s FOR NO KEY UPDATE", [item.pk])  # edits pass
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other.execute("SELECT 1 FROM core_dictitem WHERE id = %s FOR UPDATE", [item.pk])  # deletion waits


def insert_dangling_link() -> None:
    """A link to nobody passes its statement while the check waits for the commit, and is deleted before
    that (the check of a row gone is skipped); it fails at once if the constraint were still immediate."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO people_person_categories (person_id, dictitem_id) VALUES (%s, %s)",
                       [10**12, DictItem.objects.first().pk])
        cursor.execute("DELETE FROM people_person_categories WHERE person_id = %s", [10**12])


@postgresql_only
def test_foreign_keys_are_checked_at_commit_again_after_the_stream(tree):
    run(tree.town_a_admin, ROWS)
    assert PersonCategory.objects.count() == 1
    insert_dangling_link()


@postgresql_only
def test_a_failure_in_the_streaming_thread_raises_and_writes_nothing(tree, monkeypatch):
    original = new_people._Stream._next
    calls = []

    def next_batch(self):
        rows = original(self)
        calls.append(rows)
        if rows:
            raise psycopg.errors.ForeignKeyViolation("simulated")
        return rows

    monkeypatch.setattr(new_people._Stream, "_next", next_batch)
    with pytest.raises(DatabaseError):
        run(tree.town_a_admin, ROWS)
    assert calls
    assert not Person.objects.exists()
    insert_dangling_link()
