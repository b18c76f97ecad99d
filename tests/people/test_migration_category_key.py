"""Migration 0007 fills every person's category key from their category links (both databases' paths)."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from suzhi.people.models import Person, PersonCategory
from tests.people.factories import category
from tests.people.test_persons_helpers import make_person

migration = importlib.import_module("suzhi.people.migrations.0007_person_category_key")


def fill() -> None:
    migration.fill_category_keys(apps, SimpleNamespace(connection=connection))


def keys() -> dict[str, str]:
    return dict(Person.objects.values_list("name", "category_key"))


@pytest.fixture
def people(tree):
    """People as the migration finds them: links in place, every key still the column's default."""
    made = {
        "无类别": make_person("无类别", tree.unit_a, categories=()),
        "一类": make_person("一类", tree.unit_a, categories=("teacher",)),
        "两类": make_person("两类", tree.unit_b, categories=("union_cadre", "in_post")),
        "三类": make_person("三类", tree.unit_b, categories=("migrant", "laid_off", "teacher")),
    }
    Person.objects.update(category_key="")
    return made


def expected(*codes: str) -> str:
    return "," + ",".join(str(pk) for pk in sorted(category(code).pk for code in codes)) + ","


def test_fills_each_key_from_the_links(people):
    fill()
    assert keys() == {
        "无类别": "",
        "一类": expected("teacher"),
        "两类": expected("union_cadre", "in_post"),
        "三类": expected("migrant", "laid_off", "teacher"),
    }


def test_orders_the_ids_whatever_order_the_links_were_written_in(tree):
    """Links written highest id first: group_concat would be free to keep that order; the key may not."""
    person = make_person("倒序", tree.unit_a, categories=())
    items = sorted((category(code) for code in ("teacher", "migrant", "in_post")), key=lambda i: -i.pk)
    PersonCategory.objects.bulk_create([PersonCategory(person=person, dictitem=item) for item in items])
    fill()
    assert keys() == {"倒序": expected("teacher", "migrant", "in_post")}


def test_works_through_many_batches(people, monkeypatch):
    monkeypatch.setattr(migration, "CHUNK", 1)
    fill()
    assert keys()["三类"] == expected("migrant", "laid_off", "teacher")
    assert keys()["两类"] == expected("union_cadre", "in_post")
    assert keys()["无类别"] == ""


@pytest.mark.django_db
def test_no_links_no_work():
    fill()
    assert not Person.objects.exists()
