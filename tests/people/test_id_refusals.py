"""An ID number held by someone outside the caller's scope is refused without saying where or that the person
is on a roster (no oracle), in the same words everywhere, and the refusal is logged masked (issue 13)."""

import json

import pytest
from django.urls import reverse

from suzhi.core.errors import ValidationFailed
from suzhi.core.masking import mask_id_number
from suzhi.core.models import OperationLog
from suzhi.people.models import Person
from suzhi.people.services import persons as services
from suzhi.people.services.refusals import not_registrable_message
from tests.people.test_imports_service import HEADER, run
from tests.people.test_persons_helpers import make_person, resident_id

OLD_WORDS = ("数据权限以外", "outside your data", "请联系该组织", "ask that organisation")


@pytest.fixture
def elsewhere(tree):
    """王五, on the roster of 沙州镇乙企业 (town B), which town A's administrator cannot see."""
    return make_person("王五", tree.unit_b)


def assert_gives_nothing_away(message, tree, elsewhere):
    assert message.endswith(not_registrable_message())  # an import's message starts with the row and column
    for word in (*OLD_WORDS, tree.unit_b.name, tree.town_b.name, elsewhere.name):
        assert word not in message


def refusal_logged(tree, elsewhere, organisation):
    row = OperationLog.objects.get(action="person.id_refused")
    assert row.actor == tree.town_a_admin and row.organisation == organisation
    assert row.after["id_numbers"] == [mask_id_number(elsewhere.id_number)]
    stored = json.dumps([row.after, row.summary, row.object_repr], ensure_ascii=False)
    assert elsewhere.id_number not in stored and elsewhere.id_number[6:14] not in stored
    assert tree.unit_b.name not in stored and elsewhere.name not in stored
    return row


def test_create_page(tree, elsewhere, login_client):
    response = login_client(tree.town_a_admin).post(reverse("people:person_create"), {
        "name": "王五", "organisation": tree.unit_a.pk, "id_type": "resident", "id_number": elsewhere.id_number})
    assert response.status_code == 200
    [message] = response.context["form"].errors["id_number"]
    assert_gives_nothing_away(message, tree, elsewhere)
    refusal_logged(tree, elsewhere, tree.unit_a)
    assert Person.objects.count() == 1


def test_create_api(tree, elsewhere, api_client):
    response = api_client(tree.town_a_admin).post("/api/v1/people/", json.dumps({
        "name": "王五", "id_number": elsewhere.id_number, "organisation_id": tree.unit_a.pk}),
        content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"][0]["field"] == "id_number"
    assert_gives_nothing_away(body["message"], tree, elsewhere)
    refusal_logged(tree, elsewhere, tree.unit_a)


def test_update_to_such_a_number(tree, elsewhere):
    mine = make_person("赵六", tree.unit_a)
    with pytest.raises(ValidationFailed) as refused:
        services.person_update(actor=tree.town_a_admin, person_id=mine.pk, id_number=elsewhere.id_number)
    assert_gives_nothing_away(refused.value.message, tree, elsewhere)
    refusal_logged(tree, elsewhere, tree.unit_a)
    mine.refresh_from_db()
    assert mine.id_number != elsewhere.id_number


@pytest.mark.parametrize("dry_run", [True, False])
def test_roster_import_preview_and_import(tree, elsewhere, dry_run):
    rows = [HEADER, ["王五", elsewhere.id_number, "", "DH-QLZ-001", "在岗职工"],
            ["钱七", resident_id(), "", "DH-QLZ-001", "在岗职工"]]
    result = run(tree.town_a_admin, rows, dry_run=dry_run)
    [error] = result.errors
    assert error["column"] and error["row"] == 2
    assert_gives_nothing_away(error["message"], tree, elsewhere)
    assert not result.written
    row = refusal_logged(tree, elsewhere, tree.town_a_admin.organisation)
    assert ("preview" in row.after["source"] or "预览" in row.after["source"]) == dry_run
    elsewhere.refresh_from_db()
    assert elsewhere.organisation == tree.unit_b and Person.objects.count() == 1


def test_someone_in_scope_is_still_named(tree, elsewhere):
    """The committee sees both towns: it is told where the person is, and nothing is logged as refused."""
    with pytest.raises(ValidationFailed) as refused:
        services.person_create(actor=tree.committee_admin, name="王五", id_number=elsewhere.id_number,
                               organisation_id=tree.unit_a.pk)
    assert tree.unit_b.name in refused.value.message
    assert not OperationLog.objects.filter(action="person.id_refused").exists()
