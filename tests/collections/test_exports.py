"""The submissions export (.xlsx): only the submissions in the viewer's scope, the plan form's columns after the
fixed ones, formula-like answers kept as text, phones masked without pii.view and ID numbers never; the same
file from the queue page's button and from the API."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from suzhi.collections.services import submissions as services
from tests.collections.factories import VALUES, submitted
from tests.support import make_participant

pytestmark = pytest.mark.django_db

API = "/api/v1/collections/exports/submissions"
PHONE = "13812345678"


def _sheet(content):
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


@pytest.fixture
def items(tree, activity):
    person_a, user_a = make_participant(tree, "王五", tree.unit_a)
    person_a.phone = PHONE
    person_a.save(update_fields=["phone"])
    person_b, user_b = make_participant(tree, "赵六", tree.unit_b)
    formula = submitted(activity, user_a, title="=HYPERLINK(\"http://x\",\"点击\")")
    services.submission_save(actor=user_a, activity_id=activity.pk, title="草稿", values=dict(VALUES))
    return formula, submitted(activity, user_b, title="乙镇建议"), person_a


def test_the_page_exports_the_submissions_in_scope_with_the_forms_columns(tree, activity, items, login_client):
    formula, other_town, person_a = items
    response = login_client(tree.town_a_admin).get(reverse("collections:export", args=[activity.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    headers, rows = _sheet(response.content)
    assert list(headers[-3:]) == ["现状及存在问题", "建议内容及措施", "经济效益（万元）"]
    assert [row[0] for row in rows] == [formula.pk]  # no draft, nothing of the other town
    row = rows[0]
    assert row[1] == formula.title and row[2] == tree.unit_a.name  # a string, not a formula
    assert PHONE in row[7] and person_a.id_number not in str(row)  # town_a_admin holds pii.view
    assert row[-2] == "加装变频控制"
    cell = load_workbook(io.BytesIO(response.content)).active["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=")
    # The export is in the operation log: who took how many submissions out, with which filters.
    from suzhi.core.models import OperationLog

    log = OperationLog.objects.get(action="collection.export")
    assert log.actor == tree.town_a_admin and log.after["rows"] == 1 and log.after["filters"]["state"] == ""


def test_phones_are_masked_without_pii_rights(tree, activity, items, api_client):
    _formula, _other, person_a = items
    response = api_client(tree.unit_a_admin).get(f"{API}?activity={activity.pk}")
    assert response.status_code == 200
    _headers, rows = _sheet(response.content)
    assert len(rows) == 1 and "王五" in rows[0][7]
    assert "138****5678" in rows[0][7]
    assert PHONE not in str(rows[0]) and person_a.id_number not in str(rows[0])


def test_filters_and_scope_through_the_api(tree, activity, items, api_client):
    formula, other_town, _person = items
    committee = api_client(tree.committee_admin)
    _h, rows = _sheet(committee.get(f"{API}?activity={activity.pk}").content)
    assert sorted(row[0] for row in rows) == sorted([formula.pk, other_town.pk])
    _h, rows = _sheet(committee.get(f"{API}?activity={activity.pk}&state=rejected").content)
    assert rows == []
    _h, rows = _sheet(api_client(tree.town_b_admin).get(f"{API}?activity={activity.pk}").content)
    assert [row[0] for row in rows] == [other_town.pk]
    assert api_client(tree.committee_admin).get(f"{API}?activity=999999").status_code == 404
    assert api_client(items[2].user).get(f"{API}?activity={activity.pk}").status_code == 403


def test_the_queue_page_offers_the_export_and_too_many_rows_are_refused(tree, activity, items, login_client,
                                                                      settings):
    client = login_client(tree.town_a_admin)
    page = client.get(reverse("collections:queue") + f"?activity={activity.pk}")
    assert reverse("collections:export", args=[activity.pk]) in page.content.decode()
    settings.SUZHI_EXPORT_SYNC_MAX_ROWS = 0
    refused = client.get(reverse("collections:export", args=[activity.pk]), follow=True)
    assert refused.status_code == 200 and "export_too_large" not in refused.content.decode()
    assert refused.redirect_chain[-1][0].startswith(reverse("collections:queue"))
