"""Linking an existing account to a roster person (关联账号): in scope only, one account per person and one person
per account, logged; on the person's page and in the API."""

import pytest

from suzhi.core.errors import Conflict, NotFound
from suzhi.core.models import OperationLog
from suzhi.people.models import Person
from suzhi.people.selectors.persons import person_for_user
from suzhi.people.services.accounts import person_account_link, person_account_unlink
from tests.people.test_persons_helpers import make_person

pytestmark = pytest.mark.django_db


def test_an_admin_links_an_account_of_their_scope_and_it_becomes_the_persons_login(tree):
    worker = make_person("王职工", tree.unit_a)
    assert person_for_user(tree.participant_a) is None
    person_account_link(actor=tree.town_a_admin, person_id=worker.pk, username="worker_a")
    assert person_for_user(tree.participant_a) == worker
    row = OperationLog.objects.get(action="person.account_link")
    assert row.actor == tree.town_a_admin and row.after["user_id"] == tree.participant_a.pk
    person_account_link(actor=tree.town_a_admin, person_id=worker.pk, username="worker_a")  # again: nothing new
    assert OperationLog.objects.filter(action="person.account_link").count() == 1
    person_account_unlink(actor=tree.town_a_admin, person_id=worker.pk)
    assert person_for_user(tree.participant_a) is None
    assert OperationLog.objects.filter(action="person.account_unlink").count() == 1


def test_another_towns_admin_cannot_link_their_people_or_accounts(tree):
    worker = make_person("王职工", tree.unit_a)
    other = make_person("赵职工", tree.unit_b)
    with pytest.raises(NotFound):  # the person is outside town B's scope
        person_account_link(actor=tree.town_b_admin, person_id=worker.pk, username="town_b")
    with pytest.raises(NotFound):  # the account is outside town B's scope
        person_account_link(actor=tree.town_b_admin, person_id=other.pk, username="worker_a")
    assert not Person.objects.filter(user__isnull=False).exists()
    assert not OperationLog.objects.filter(action="person.account_link").exists()


def test_a_person_has_one_account_and_an_account_one_person(tree):
    first, second = make_person("王职工", tree.unit_a), make_person("李职工", tree.unit_a)
    person_account_link(actor=tree.town_a_admin, person_id=first.pk, username="worker_a")
    with pytest.raises(Conflict):
        person_account_link(actor=tree.town_a_admin, person_id=second.pk, username="worker_a")
    with pytest.raises(Conflict):
        person_account_link(actor=tree.town_a_admin, person_id=first.pk, username="unit_a")
    with pytest.raises(NotFound):
        person_account_link(actor=tree.town_a_admin, person_id=second.pk, username="nobody")


def test_the_page_and_the_api_link(tree, login_client):
    worker = make_person("王职工", tree.unit_a)
    client = login_client(tree.town_a_admin)
    page = client.get(f"/people/{worker.pk}/").content.decode()
    assert f"/people/{worker.pk}/account/link/" in page
    response = client.post(f"/people/{worker.pk}/account/link/", {"username": "13900000005"})  # by phone
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.user == tree.participant_a
    response = client.delete(f"/api/v1/people/{worker.pk}/account")
    assert response.status_code == 200
    response = client.put(f"/api/v1/people/{worker.pk}/account", {"username": "worker_a"},
                          content_type="application/json")
    assert response.status_code == 200 and response.json()["has_login"] is True
    other = login_client(tree.town_b_admin)
    assert other.put(f"/api/v1/people/{worker.pk}/account", {"username": "worker_a"},
                     content_type="application/json").status_code == 404
