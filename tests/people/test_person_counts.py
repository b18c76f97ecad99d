"""The counts of active people per organisation and category key (`PersonCount`) stay equal to a recount of the
people after every write: the person services, the roster import (both databases' paths), the test factory;
`person_counts_rebuild` recounts; the migration fills them."""

import importlib
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suzhi.core.errors import Conflict, DomainError
from suzhi.core.models import OperationLog
from suzhi.people.category_keys import category_key
from suzhi.people.models import Person, PersonCount
from suzhi.people.services.counts import person_counts_add, person_counts_rebuild
from suzhi.people.services.persons import (
    person_create,
    person_deactivate,
    person_reactivate,
    person_transfer,
    person_update,
)
from tests.people.factories import category, make_person
from tests.people.test_imports_service import HEADER, on_record, resident_id, run

CODES = ("in_post", "teacher", "migrant", "union_cadre", "laid_off")


def recount() -> dict[tuple[int, str], int]:
    """The counts as they should be: the active people grouped by organisation and category key."""
    found: Counter[tuple[int, str]] = Counter(
        Person.objects.filter(is_active=True).values_list("organisation_id", "category_key"))
    return dict(found)


def counts() -> dict[tuple[int, str], int]:
    """The counts as kept, rows at zero left out."""
    rows = PersonCount.objects.values_list("organisation_id", "category_key", "people")
    return {(org, key): n for org, key, n in rows if n}


def assert_exact() -> None:
    assert counts() == recount()


def key_of(*codes: str) -> str:
    return category_key(category(code).pk for code in codes)


def count_statements(captured) -> list[str]:
    return [q["sql"] for q in captured if PersonCount._meta.db_table in q["sql"]]


# ---- the person services ----------------------------------------------------------------------------------


def test_each_person_service_keeps_the_counts_exact(tree):
    admin = tree.town_a_admin
    assert_exact()
    person = person_create(actor=admin, name="张三", id_number=resident_id(), organisation_id=tree.unit_a.pk,
                           categories=["in_post", "teacher"])
    other = person_create(actor=admin, name="李四", id_number=resident_id(), organisation_id=tree.unit_a.pk)
    assert counts() == {(tree.unit_a.pk, key_of("in_post", "teacher")): 1, (tree.unit_a.pk, ""): 1}
    assert_exact()

    person_update(actor=admin, person_id=person.pk, phone="13800138000")  # neither organisation nor categories
    assert_exact()
    person_update(actor=admin, person_id=person.pk, categories=["migrant"])
    assert counts() == {(tree.unit_a.pk, key_of("migrant")): 1, (tree.unit_a.pk, ""): 1}
    person_update(actor=admin, person_id=person.pk, organisation_id=tree.town_a.pk)
    assert_exact()
    person_update(actor=admin, person_id=other.pk, organisation_id=tree.town_a.pk, categories=["migrant", "teacher"])
    assert counts() == {(tree.town_a.pk, key_of("migrant")): 1, (tree.town_a.pk, key_of("migrant", "teacher")): 1}
    assert_exact()

    person_transfer(actor=admin, person_id=person.pk, to_organisation_id=tree.unit_a.pk, reason="调动")
    assert_exact()
    person_deactivate(actor=admin, person_id=person.pk, reason=Person.LeaveReason.RETIRED)
    assert counts() == {(tree.town_a.pk, key_of("migrant", "teacher")): 1}
    assert_exact()
    # Someone who left moves and changes categories without counting anywhere.
    person_transfer(actor=admin, person_id=person.pk, to_organisation_id=tree.town_a.pk)
    person_update(actor=admin, person_id=person.pk, categories=["teacher"])
    assert counts() == {(tree.town_a.pk, key_of("migrant", "teacher")): 1}
    person_reactivate(actor=admin, person_id=person.pk)
    assert counts() == {(tree.town_a.pk, key_of("migrant", "teacher")): 1, (tree.town_a.pk, key_of("teacher")): 1}
    assert_exact()
    # Rows left at zero stay, and are read as zero.
    assert PersonCount.objects.filter(people=0).exists()


def test_a_refused_write_leaves_the_counts_as_they_were(tree):
    person = make_person("王五", tree.unit_a)
    before = counts()
    with pytest.raises(Conflict):
        person_reactivate(actor=tree.town_a_admin, person_id=person.pk)
    person_deactivate(actor=tree.town_a_admin, person_id=person.pk, reason=Person.LeaveReason.RESIGNED)
    with pytest.raises(Conflict):
        person_deactivate(actor=tree.town_a_admin, person_id=person.pk, reason=Person.LeaveReason.RESIGNED)
    assert counts() == {} and before == {(tree.unit_a.pk, key_of("in_post")): 1}
    assert_exact()


def test_the_factory_counts_its_people(tree):
    make_person("甲", tree.unit_a, categories=("teacher", "in_post"))
    make_person("乙", tree.unit_a, categories=("in_post", "teacher"))
    make_person("丙", tree.unit_b, categories=())
    make_person("丁", tree.unit_b, is_active=False)
    assert counts() == {(tree.unit_a.pk, key_of("in_post", "teacher")): 2, (tree.unit_b.pk, ""): 1}
    assert_exact()


def test_one_write_adds_its_counts_in_one_statement(tree):
    person = make_person("张三", tree.unit_a)
    with CaptureQueriesContext(connection) as captured:
        person_update(actor=tree.town_a_admin, person_id=person.pk, organisation_id=tree.town_a.pk,
                      categories=["teacher"])
    statements = count_statements(captured)
    assert [sql.split()[0] for sql in statements] == ["INSERT"]  # an upsert: one group shrinks, one grows
    assert_exact()


# ---- the roster import --------------------------------------------------------------------------------------


def test_import_of_new_and_updated_people_keeps_the_counts_exact(tree):
    same = on_record("不变", tree.unit_a, categories=("in_post",))
    recategorised = on_record("换类", tree.unit_a, categories=("in_post",))
    moved = on_record("调动", tree.unit_a, categories=("in_post", "teacher"))
    both = on_record("都变", tree.unit_a, categories=())
    gone = on_record("离开", tree.unit_a, categories=("teacher",), is_active=False)
    assert_exact()
    rows = [HEADER,
            ["不变", same.id_number, "13800138000", "DH-QLZ-001", "在岗职工"],
            ["换类", recategorised.id_number, "", "", "农民工、教师"],
            ["调动", moved.id_number, "", "DH-QLZ", "教师、在岗职工"],
            ["都变", both.id_number, "", "DH-QLZ", "工会干部"],
            ["离开", gone.id_number, "", "DH-QLZ", "农民工"],  # moves and changes without counting
            ["新甲", resident_id(), "", "DH-QLZ-001", "教师"],
            ["新乙", resident_id(), "", "DH-QLZ-001", "教师"],
            ["新丙", resident_id(), "", "DH-QLZ", ""]]
    result = run(tree.town_a_admin, rows)
    assert (result.created, result.updated, result.errors) == (3, 5, [])
    assert counts() == {
        (tree.unit_a.pk, key_of("in_post")): 1,
        (tree.unit_a.pk, key_of("migrant", "teacher")): 1,
        (tree.town_a.pk, key_of("in_post", "teacher")): 1,
        (tree.town_a.pk, key_of("union_cadre")): 1,
        (tree.unit_a.pk, key_of("teacher")): 2,
        (tree.town_a.pk, ""): 1,
    }
    assert_exact()
    again = run(tree.town_a_admin, rows)  # the same file again changes nothing
    assert (again.created, again.updated) == (0, 0)
    assert_exact()


def test_import_with_skipped_rows_counts_what_it_wrote(tree):
    """With skip_invalid and an invalid row, PostgreSQL rolls the streamed people back and writes the valid new
    people after the check: counted once, as written."""
    rows = [HEADER,
            ["好", resident_id(), "", "DH-QLZ-001", "工会干部、在岗职工"],
            ["坏", "123", "", "DH-QLZ-001", "教师"],
            ["也好", resident_id(), "", "DH-QLZ-001", ""]]
    result = run(tree.town_a_admin, rows, skip_invalid=True)
    assert result.created == 2 and result.written
    assert counts() == {(tree.unit_a.pk, key_of("union_cadre", "in_post")): 1, (tree.unit_a.pk, ""): 1}
    assert_exact()


def test_rejected_and_dry_run_imports_leave_the_counts_unchanged(tree):
    person = on_record("在册", tree.unit_a, categories=("in_post",))
    before = counts()
    good = [HEADER, ["在册", person.id_number, "", "DH-QLZ", "教师"], ["新人", resident_id(), "", "DH-QLZ-001", "教师"]]
    preview = run(tree.town_a_admin, good, dry_run=True)
    assert (preview.created, preview.updated) == (1, 1)
    assert counts() == before
    bad = good + [["坏", "123", "", "DH-QLZ-001", "教师"]]
    rejected = run(tree.town_a_admin, bad)
    assert rejected.errors and not rejected.written
    assert counts() == before
    assert_exact()


@pytest.mark.parametrize("existing", [False, True])
def test_import_writes_the_counts_in_a_fixed_number_of_statements(tree, existing):
    def sheet(n, prefix):
        # Spread over two organisations and two sets of categories: four groups whatever the size.
        return [HEADER] + [[f"{prefix}{i}", resident_id(), "", ("DH-QLZ-001", "DH-QLZ")[i % 2],
                            ("在岗职工、教师", "农民工")[i // 2 % 2]] for i in range(n)]

    small, large = sheet(8, "甲"), sheet(120, "乙")
    if existing:
        run(tree.town_a_admin, small)
        run(tree.town_a_admin, large)
        for rows in (small, large):  # everyone moves and changes categories: groups shrink and grow
            for row in rows[1:]:
                row[3] = "DH-QLZ" if row[3] == "DH-QLZ-001" else "DH-QLZ-001"
                row[4] = "工会干部"
    found = []
    for rows in (small, large):
        with CaptureQueriesContext(connection) as captured:
            result = run(tree.town_a_admin, rows)
        assert result.errors == []
        found.append([sql.split()[0] for sql in count_statements(captured)])
        assert_exact()
    assert found[0] == found[1] == ["INSERT"]


def test_counts_add_takes_one_statement_for_thousands_of_groups(tree):
    """Every group in one parameter: more groups than SQLite binds values, still one statement."""
    orgs = [tree.unit_a.pk, tree.unit_b.pk, tree.town_a.pk]
    grow = Counter({(org, f",{i},"): 2 for org in orgs for i in range(6000)})
    with CaptureQueriesContext(connection) as captured:
        person_counts_add(grow)
    assert len(count_statements(captured)) == 1
    change = Counter({(org, f",{i},"): (1 if i % 2 else -2) for org in orgs for i in range(6000)})
    change[(tree.unit_a.pk, "")] = 0  # nothing to write
    with CaptureQueriesContext(connection) as captured:
        person_counts_add(change)
    assert len(count_statements(captured)) == 1
    kept = dict(PersonCount.objects.filter(organisation_id=tree.unit_a.pk, category_key__in=[",1,", ",2,"])
                .values_list("category_key", "people"))
    assert kept == {",1,": 3, ",2,": 0}
    assert PersonCount.objects.count() == 3 * 6000


def test_a_shrinking_group_never_goes_below_zero(tree):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        person_counts_add(Counter({(tree.unit_a.pk, ""): 1}))
        person_counts_add(Counter({(tree.unit_a.pk, ""): -2}))


# ---- recounting -----------------------------------------------------------------------------------------------


def test_rebuild_equals_a_recount(tree):
    make_person("甲", tree.unit_a, categories=("teacher",))
    make_person("乙", tree.unit_b, categories=())
    make_person("丙", tree.unit_b, categories=(), is_active=False)
    # People loaded around the services, and a stale row: the recount puts it all right.
    Person.objects.filter(name="甲").update(organisation=tree.town_a)
    PersonCount.objects.create(organisation=tree.committee, category_key=",999,", people=7)
    assert counts() != recount()
    logged = OperationLog.objects.filter(action="person.counts_rebuild")
    assert person_counts_rebuild(actor=None) == 2
    assert counts() == recount() == {(tree.town_a.pk, key_of("teacher")): 1, (tree.unit_b.pk, ""): 1}
    assert not logged.exists()
    assert person_counts_rebuild(actor=tree.committee_admin) == 2
    assert logged.get().after == {"groups": 2}


def test_the_migration_fills_the_counts(tree):
    migration = importlib.import_module("suzhi.people.migrations.0008_person_counts")
    make_person("甲", tree.unit_a, categories=("teacher", "in_post"))
    make_person("乙", tree.unit_a, categories=("in_post", "teacher"))
    make_person("丙", tree.unit_b, categories=(), is_active=False)
    PersonCount.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)
    assert counts() == recount() == {(tree.unit_a.pk, key_of("in_post", "teacher")): 2}


# ---- any sequence of writes -----------------------------------------------------------------------------------

_step = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2), st.sets(st.sampled_from(CODES), max_size=3)),
    st.tuples(st.just("update"), st.integers(0, 9), st.integers(0, 2), st.sets(st.sampled_from(CODES), max_size=3)),
    st.tuples(st.just("recategorise"), st.integers(0, 9), st.sets(st.sampled_from(CODES), max_size=3)),
    st.tuples(st.just("transfer"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("deactivate"), st.integers(0, 9)),
    st.tuples(st.just("reactivate"), st.integers(0, 9)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(_step, min_size=1, max_size=12))
def test_any_sequence_of_writes_keeps_the_counts_exact(tree, steps):
    admin = tree.town_a_admin
    orgs = [tree.town_a, tree.unit_a, tree.unit_a]
    with transaction.atomic():
        people: list[Person] = []
        for step in steps:
            kind, *args = step
            target = people[args[0] % len(people)] if people and kind != "create" else None
            try:
                if kind == "create":
                    people.append(person_create(actor=admin, name="某人", id_number=resident_id(),
                                                organisation_id=orgs[args[0]].pk, categories=sorted(args[1])))
                elif target is None:
                    continue
                elif kind == "update":
                    person_update(actor=admin, person_id=target.pk, organisation_id=orgs[args[1]].pk,
                                  categories=sorted(args[2]))
                elif kind == "recategorise":
                    person_update(actor=admin, person_id=target.pk, categories=sorted(args[1]))
                elif kind == "transfer":
                    person_transfer(actor=admin, person_id=target.pk, to_organisation_id=orgs[args[1]].pk)
                elif kind == "deactivate":
                    person_deactivate(actor=admin, person_id=target.pk, reason=Person.LeaveReason.OTHER)
                else:
                    person_reactivate(actor=admin, person_id=target.pk)
            except DomainError:  # refused (already there, already gone, no change): nothing changes
                pass
            assert_exact()
        transaction.set_rollback(True)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite's import holds the write lock throughout")
def test_import_counts_from_where_people_are_when_it_writes(tree, monkeypatch):
    """On PostgreSQL someone may transfer or deactivate a person after the import read them and before it writes:
    the counts move from where the people are then, and the import does not put back their old organisation."""
    from suzhi.people.services.imports import cleaning

    elsewhere = on_record("被调走", tree.unit_a, categories=("in_post",))
    left = on_record("已离开", tree.unit_a, categories=("in_post",))
    mover = on_record("要调动", tree.unit_a, categories=("in_post",))
    load = cleaning._load_existing

    def load_then_change(numbers):
        found = load(numbers)  # read; then what another transaction would do before the import writes
        person_transfer(actor=tree.town_a_admin, person_id=elsewhere.pk, to_organisation_id=tree.town_a.pk)
        person_deactivate(actor=tree.town_a_admin, person_id=left.pk, reason=Person.LeaveReason.RESIGNED)
        return found

    monkeypatch.setattr(cleaning, "_load_existing", load_then_change)
    rows = [HEADER,
            ["被调走", elsewhere.id_number, "13800138000", "", "教师"],  # not moved by the file
            ["已离开", left.id_number, "", "", "教师"],
            ["要调动", mover.id_number, "", "DH-QLZ", ""]]  # moved by the file
    result = run(tree.town_a_admin, rows)
    assert (result.updated, result.errors) == (3, [])
    assert Person.objects.get(pk=elsewhere.pk).organisation_id == tree.town_a.pk
    # The moved one keeps their categories (a blank cell leaves them as they are); who left counts nowhere.
    assert counts() == {(tree.town_a.pk, key_of("teacher")): 1, (tree.town_a.pk, key_of("in_post")): 1}
    assert_exact()
