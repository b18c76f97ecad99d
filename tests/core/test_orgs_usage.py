"""Deleting an organisation something still uses is refused with a clear Chinese 409 naming what uses it, on the
API and the pages; every foreign key to Organisation is counted or declared derived."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from suzhi.core import org_usage
from suzhi.core.models import Organisation
from suzhi.core.services.orgs import org_create
from suzhi.quizzes.services.questions import bank_create
from tests.training.factories import make_session, training_campaign

# Deleting the organisation leaves these rows in place with the key emptied: nothing is lost or blocked.
HARMLESS = {models.SET_NULL, models.SET_DEFAULT}


def organisation_keys():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Organisation:
                yield f"{model._meta.label}.{field.name}", field.remote_field.on_delete


def test_every_foreign_key_to_an_organisation_is_counted_or_derived():
    counted, derived = org_usage.counted_fields(), org_usage.derived_fields()
    keys = dict(organisation_keys())
    assert "training.TrainingSession.organiser" in keys and "quizzes.QuestionBank.organisation" in keys
    missing = [
        name for name, on_delete in keys.items()
        if on_delete not in HARMLESS and name not in counted and name not in derived
    ]
    assert missing == [], f"register an organisation-usage counter (suzhi.core.org_usage) for {missing}"
    # Derived rows go with the organisation; a PROTECT key declared derived would still block the delete.
    wrongly_derived = [name for name in derived if keys.get(name) is not models.CASCADE]
    assert wrongly_derived == []
    assert counted <= set(keys), "a counter names a field that is not a foreign key to Organisation"


@pytest.fixture
def used_org(tree):
    """An organisation with nothing but a training session and a question bank of its own."""
    org = org_create(actor=tree.committee_admin, parent=tree.town_a, code="USED", name="在用单位",
                     org_type_code="other")
    campaign = training_campaign(tree)
    make_session(tree.committee_admin, campaign, org)
    bank_create(actor=tree.committee_admin, organisation_id=org.pk, name="单位题库")
    return org


def test_api_delete_of_an_org_with_a_session_and_a_bank_is_a_clear_409(tree, used_org, api_client):
    response = api_client(tree.committee_admin).delete(f"/api/v1/orgs/{used_org.pk}")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "org_in_use"
    assert body["message"] == "该组织下仍有 1 个培训、1 个题库，无法删除。"
    assert body["detail"] == [{"what": "培训", "count": 1}, {"what": "题库", "count": 1}]
    assert Organisation.objects.filter(pk=used_org.pk).exists()


def test_page_delete_of_an_org_with_a_session_and_a_bank_shows_why(tree, used_org, login_client):
    client = login_client(tree.committee_admin)
    response = client.post(reverse("core:org_delete", args=[used_org.pk]), follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["该组织下仍有 1 个培训、1 个题库，无法删除。"]
    assert Organisation.objects.filter(pk=used_org.pk).exists()


def test_a_reference_no_counter_knows_is_still_refused_not_a_server_error(tree, used_org, api_client, monkeypatch):
    counters = {k: v for k, v in org_usage._COUNTERS.items() if k not in ("training_sessions", "question_banks")}
    monkeypatch.setattr(org_usage, "_COUNTERS", counters)
    response = api_client(tree.committee_admin).delete(f"/api/v1/orgs/{used_org.pk}")
    assert response.status_code == 409
    assert response.json()["code"] == "org_in_use" and "培训" in response.json()["message"]
    assert Organisation.objects.filter(pk=used_org.pk).exists()
