"""The roster's searches keep their indexes: the last digits of the ID number (equality on id_last4) and
the pinyin initials (a prefix match, which PostgreSQL serves only from a pattern_ops index)."""

import pytest
from django.db import connection

from suzhi.people.models import Person
from tests.people.factories import make_person


@pytest.fixture
def people(tree):
    for name in ("张三", "李四", "王五", "赵六"):
        make_person(name, tree.unit_a)


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A handful of rows: without this the planner rightly prefers reading the table.
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


def test_last_digits_search_uses_its_index(people):
    assert "person_id_last4" in plan(Person.objects.filter(id_last4="1234"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's LIKE is case-insensitive: no index")
def test_initials_prefix_search_uses_its_index(people):
    assert "person_initials_prefix" in plan(Person.objects.filter(name_initials__startswith="zs"))
