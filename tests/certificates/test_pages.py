"""The administrators' pages: the list of the certificates their scope covers (constant queries), one certificate
with its revocation, single and batch PDFs carrying the Chinese text, and a campaign's wording. Another
organisation's certificates are 404 everywhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from suzhi.certificates.models import Certificate
from suzhi.core.models import OperationLog
from tests.campaigns.factories import plan_yaml
from tests.certificates.factories import issue_honour, pdf_pages

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/certificates/").status_code == 200
    return len(queries)


def test_the_list_shows_the_scope_only_in_constant_queries(tree, login_client):
    mine = issue_honour(tree.town_a_admin, tree.town_a, key="a", name="七里镇获奖者")
    theirs = issue_honour(tree.town_b_admin, tree.town_b, key="b", name="沙州镇获奖者")
    html = login_client(tree.town_a_admin).get("/certificates/").content.decode()
    assert mine.number in html and "七里镇获奖者" in html
    assert theirs.number not in html and "沙州镇获奖者" not in html
    committee = login_client(tree.committee_admin).get("/certificates/").content.decode()
    assert mine.number in committee and theirs.number in committee
    one_issuer = login_client(tree.committee_admin).get("/certificates/", {"issuer": tree.town_b.pk})
    assert theirs.number in one_issuer.content.decode() and mine.number not in one_issuer.content.decode()
    # A participant has no list.
    assert login_client(tree.participant_a).get("/certificates/").status_code == 403
    client = login_client(tree.town_a_admin)
    _list_queries(client)  # the session's first page reads what later pages find cached
    one = _list_queries(client)
    for i in range(30):
        issue_honour(tree.town_a_admin, tree.town_a, key=f"n{i}", name=f"获奖者{i}")
    assert _list_queries(client) == one
    searched = client.get("/certificates/", {"q": "获奖者7"}).content.decode()
    assert "获奖者7" in searched and "获奖者8" not in searched


def test_revoking_on_the_page(tree, login_client):
    certificate = issue_honour(tree.town_a_admin, tree.town_a)
    url = f"/certificates/{certificate.pk}/"
    other = login_client(tree.town_b_admin)
    assert other.get(url).status_code == 404
    assert other.post(url, {"reason": "越权"}).status_code == 404
    client = login_client(tree.town_a_admin)
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and 'class="error"' in empty.content.decode()
    response = client.post(url, {"reason": "评选材料不实"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "评选材料不实" and certificate.revoked_by == tree.town_a_admin
    assert 'id="revoked"' in client.get(url).content.decode()
    assert OperationLog.objects.filter(action="certificates.revoke").count() == 1
    assert "已撤销" in client.get("/certificates/", {"state": "revoked"}).content.decode()


def test_the_pdf_of_one_certificate_carries_its_chinese_text(tree, login_client):
    certificate = issue_honour(tree.town_a_admin, tree.town_a, name="王小五")
    response = login_client(tree.town_a_admin).get(f"/certificates/{certificate.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    [text] = pdf_pages(response.content)
    flat = text.replace("\n", "").replace(" ", "")
    for expected in ("荣誉证书", "王小五", "优秀志愿者", "在职工素质提升活动中表现突出", "特发此证，以资鼓励",
                     tree.town_a.name, certificate.number, f"/verify/{certificate.code}/", f"{YEAR}年"):
        assert expected in flat, expected
    assert login_client(tree.town_b_admin).get(f"/certificates/{certificate.pk}.pdf").status_code == 404


def test_a_batch_is_one_pdf_with_a_page_per_certificate(tree, login_client):
    names = ["王小五", "李四", "张三丰"]
    certificates = [issue_honour(tree.town_a_admin, tree.town_a, key=str(i), name=name)
                    for i, name in enumerate(names)]
    ids = [c.pk for c in reversed(certificates)]
    response = login_client(tree.town_a_admin).post("/certificates/batch.pdf", {"ids": ids})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = [page.replace("\n", "").replace(" ", "") for page in pdf_pages(response.content)]
    assert len(pages) == 3
    for page, certificate in zip(pages, reversed(certificates), strict=True):
        assert certificate.recipient_name in page and certificate.number in page and "特发此证" in page
    # One certificate of another organisation in the selection: the whole batch is refused.
    theirs = issue_honour(tree.town_b_admin, tree.town_b, key="b")
    assert login_client(tree.town_b_admin).post("/certificates/batch.pdf", {"ids": ids}).status_code == 404
    assert login_client(tree.town_a_admin).post("/certificates/batch.pdf", {"ids": [*ids, theirs.pk]}
                                                ).status_code == 404


def test_the_template_page_checks_placeholders(tree, login_client):
    from suzhi.campaigns.services.plans import plan_load

    campaign = plan_load(actor=tree.committee_admin, text=plan_yaml(organiser="DH-QLZ", code="qlz-2024"))
    url = f"/certificates/template/?campaign={campaign.pk}"
    elsewhere = login_client(tree.town_b_admin).get("/certificates/").content.decode()
    assert f'<option value="{campaign.pk}">' not in elsewhere
    client = login_client(tree.town_a_admin)
    listed = client.get("/certificates/").content.decode()
    assert f'<option value="{campaign.pk}">' in listed and 'id="template-pick"' in listed
    page = client.get(url).content.decode()
    assert "特发此证，以资鼓励。" in page and "{recipient}" in page
    bad = client.post(url, {"heading": "荣誉证书", "body": "{recipient}荣获{honour}", "closing": "特发此证"})
    assert bad.status_code == 200 and "未知的占位符 {honour}" in bad.content.decode()
    good = client.post(url, {"heading": "荣誉证书", "body": "{recipient}荣获“{title}”", "closing": "特发此证"})
    assert good.status_code == 302
    assert campaign.certificate_template.body == "{recipient}荣获“{title}”"
    assert login_client(tree.town_b_admin).get(url).status_code == 404
    assert login_client(tree.town_b_admin).post(url, {"heading": "x", "body": "y"}).status_code == 404
    # The platform's default is not a town's.
    assert login_client(tree.town_a_admin).get("/certificates/template/").status_code == 404


def test_the_api(tree, api_client):
    certificate = issue_honour(tree.town_a_admin, tree.town_a)
    theirs = issue_honour(tree.town_b_admin, tree.town_b, key="b")
    api = api_client(tree.town_a_admin)
    listed = api.get("/api/v1/certificates").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == certificate.number
    assert api.get("/api/v1/certificates", {"issuer_id": tree.town_b.pk}).json()["count"] == 0
    assert api_client(tree.committee_admin).get("/api/v1/certificates", {"issuer_id": tree.town_b.pk}).json()[
        "items"][0]["number"] == theirs.number
    api = api_client(tree.town_a_admin)
    assert listed["items"][0]["verify_url"].endswith(f"/verify/{certificate.code}/")
    assert api.get(f"/api/v1/certificates/{certificate.pk}").json()["fields"]["title"] == "优秀志愿者"
    pdf = api.get(f"/api/v1/certificates/{certificate.pk}/pdf")
    assert pdf.status_code == 200 and certificate.number in pdf_pages(pdf.content)[0]
    batch = api.post("/api/v1/certificates/pdf", {"ids": [certificate.pk]}, content_type="application/json")
    assert batch.status_code == 200 and len(pdf_pages(batch.content)) == 1
    for url in (f"/api/v1/certificates/{theirs.pk}", f"/api/v1/certificates/{theirs.pk}/pdf"):
        assert api.get(url).status_code == 404
    assert api.post(f"/api/v1/certificates/{theirs.pk}/revoke", {"reason": "越权"},
                    content_type="application/json").status_code == 404
    assert api.post("/api/v1/certificates/pdf", {"ids": [theirs.pk]},
                    content_type="application/json").status_code == 404
    refused = api.post(f"/api/v1/certificates/{certificate.pk}/revoke", {"reason": ""},
                       content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "revoke_reason_required"
    revoked = api.post(f"/api/v1/certificates/{certificate.pk}/revoke", {"reason": "评选材料不实"},
                       content_type="application/json")
    assert revoked.status_code == 200 and revoked.json()["revoke_reason"] == "评选材料不实"
    assert api.post(f"/api/v1/certificates/{certificate.pk}/revoke", {"reason": "再次"},
                    content_type="application/json").status_code == 409
    assert not Certificate.objects.get(pk=theirs.pk).revoked


def test_the_api_edits_a_campaigns_wording(tree, api_client):
    from suzhi.campaigns.services.plans import plan_load

    campaign = plan_load(actor=tree.committee_admin, text=plan_yaml(organiser="DH-QLZ", code="qlz-2024"))
    api = api_client(tree.town_a_admin)
    url = f"/api/v1/certificates/template?campaign_id={campaign.pk}"
    bad = api.put(url, {"heading": "荣誉证书", "body": "{name}"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "bad_placeholder"
    good = api.put(url, {"heading": "荣誉证书", "body": "{recipient}：{reason}"}, content_type="application/json")
    assert good.status_code == 200 and api.get(url).json()["body"] == "{recipient}：{reason}"
    assert api_client(tree.town_b_admin).get(url).status_code == 404


def test_a_revoked_certificate_prints_marked_revoked(tree, login_client):
    from suzhi.certificates.services.revoke import certificate_revoke

    certificate = issue_honour(tree.town_a_admin, tree.town_a)
    client = login_client(tree.town_a_admin)
    assert "已撤销" not in pdf_pages(client.get(f"/certificates/{certificate.pk}.pdf").content)[0].replace(" ", "")
    certificate_revoke(actor=tree.town_a_admin, certificate_id=certificate.pk, reason="评选材料不实")
    assert "已撤销" in pdf_pages(client.get(f"/certificates/{certificate.pk}.pdf").content)[0].replace(" ", "")
