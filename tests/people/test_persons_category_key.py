"""The roster services keep `Person.category_key` exact and tell the followers (suzhi.people.followers)
exactly when a person's organisation, categories or active status changed."""

import pytest

from suzhi.core.errors import Conflict, ValidationFailed
from suzhi.people.category_keys import category_key
from suzhi.people.models import Person
from suzhi.people.services import persons as services
from tests.people.factories import category
from tests.people.test_persons_helpers import make_person, resident_id


def key_of(*codes: str) -> str:
    return category_key(category(code).pk for code in codes)


def stored_key(person: Person) -> str:
    return Person.objects.values_list("category_key", flat=True).get(pk=person.pk)


def create(tree, **fields) -> Person:
    values = {"name": "张三", "id_number": resident_id(), "organisation_id": tree.unit_a.pk}
    return services.person_create(actor=tree.town_a_admin, **{**values, **fields})


def test_create_writes_the_key_of_the_categories_given(tree, followed):
    person = create(tree, categories=["union_cadre", "in_post", "in_post"])
    assert stored_key(person) == person.category_key == key_of("in_post", "union_cadre")
    assert stored_key(create(tree, name="李四")) == ""
    assert followed == []  # new people: nobody holds copies of them yet


def test_update_with_categories_rewrites_the_key_and_tells_the_followers(tree, followed):
    person = create(tree, categories=["in_post"])
    services.person_update(actor=tree.town_a_admin, person_id=person.pk, categories=["teacher", "migrant"])
    assert stored_key(person) == key_of("teacher", "migrant")
    assert followed == [[person.pk]]
    # The follower runs inside the service's transaction and already sees the new key.
    assert followed.seen == [{person.pk: (tree.unit_a.pk, key_of("teacher", "migrant"), True, True)}]
    services.person_update(actor=tree.town_a_admin, person_id=person.pk, categories=[])
    assert stored_key(person) == ""
    assert followed == [[person.pk], [person.pk]]


def test_update_without_categories_keeps_the_key_and_tells_nobody(tree, followed):
    person = create(tree, categories=["in_post", "teacher"])
    services.person_update(actor=tree.town_a_admin, person_id=person.pk, name="张小三", phone="13800138000")
    assert stored_key(person) == key_of("in_post", "teacher")
    # The same set in another order, with another change: the key stays, and still nobody is told.
    services.person_update(actor=tree.town_a_admin, person_id=person.pk, categories=["teacher", "in_post"],
                           post="教师")
    assert stored_key(person) == key_of("in_post", "teacher")
    # Nothing changed at all.
    services.person_update(actor=tree.town_a_admin, person_id=person.pk, categories=["in_post", "teacher"])
    assert followed == []


def test_update_of_the_organisation_tells_the_followers(tree, followed):
    person = create(tree)
    services.person_update(actor=tree.town_a_admin, person_id=person.pk, organisation_id=tree.town_a.pk)
    assert followed == [[person.pk]]
    assert followed.seen[0][person.pk][0] == tree.town_a.pk


def test_a_refused_update_tells_nobody(tree, followed):
    person = create(tree, categories=["in_post"])
    with pytest.raises(ValidationFailed):
        services.person_update(actor=tree.town_a_admin, person_id=person.pk, categories=["no_such"],
                               organisation_id=tree.town_a.pk)
    assert followed == [] and stored_key(person) == key_of("in_post")


def test_transfer_deactivate_and_reactivate_tell_the_followers(tree, followed):
    person = make_person("王五", tree.unit_a)
    other = make_person("赵六", tree.unit_a)
    services.person_transfer(actor=tree.town_a_admin, person_id=person.pk, to_organisation_id=tree.town_a.pk)
    services.person_deactivate(actor=tree.town_a_admin, person_id=person.pk, reason="retired")
    services.person_reactivate(actor=tree.town_a_admin, person_id=person.pk)
    assert followed == [[person.pk]] * 3
    key = key_of("in_post")
    assert followed.seen == [{person.pk: (tree.town_a.pk, key, True, True)},
                             {person.pk: (tree.town_a.pk, key, False, True)},
                             {person.pk: (tree.town_a.pk, key, True, True)}]
    # Refused: the same organisation, already active, already gone.
    with pytest.raises(ValidationFailed):
        services.person_transfer(actor=tree.town_a_admin, person_id=other.pk, to_organisation_id=tree.unit_a.pk)
    with pytest.raises(Conflict):
        services.person_reactivate(actor=tree.town_a_admin, person_id=other.pk)
    services.person_deactivate(actor=tree.town_a_admin, person_id=other.pk, reason="resigned")
    with pytest.raises(Conflict):
        services.person_deactivate(actor=tree.town_a_admin, person_id=other.pk, reason="resigned")
    assert followed[3:] == [[other.pk]]


def test_a_login_of_its_own_tells_nobody(tree, followed):
    person = make_person("王五", tree.unit_a, phone="13700137000")
    services.person_login_create(actor=tree.town_a_admin, person_id=person.pk)
    assert followed == []
