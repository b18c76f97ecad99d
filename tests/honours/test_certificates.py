"""荣誉证书 for confirmed honours: issued once through the certificate service (again: the same ones), printed as
one PDF with their Chinese text, verified on the public page; a removed honour's certificate says so; a
recommendation to an outside body gets none; another organisation cannot issue or print them."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from suzhi.certificates.models import Certificate
from suzhi.core.errors import Conflict, NotFound
from suzhi.core.models import OperationLog
from suzhi.honours.models import Honour
from suzhi.honours.services.certificates import honours_certify
from suzhi.honours.services.honours import honour_remove, honours_confirm, honours_propose

pytestmark = pytest.mark.django_db


def _confirmed(tree, campaign, rule_key="city-stars"):
    honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key=rule_key)
    honours_confirm(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key=rule_key)
    return list(Honour.objects.filter(campaign=campaign, rule_key=rule_key, state="confirmed"))


def test_certificates_are_issued_once_printed_and_verified(tree, campaign, contest, client, login_client):
    honours = _confirmed(tree, campaign)
    issued = honours_certify(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="city-stars")
    assert len(issued) == len(honours) == len({c.number for c in issued})
    assert honours_certify(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="city-stars") == issued
    assert OperationLog.objects.filter(action="honours.certify").count() == 2
    first = issued[0]
    honour = Honour.objects.get(pk=int(first.source_key))
    assert first.recipient_name == honour.name and first.fields["title"] == honour.title
    page = login_client(tree.committee_admin).get(reverse("honours:proposal", args=[campaign.pk, "city-stars"]))
    assert first.number in page.content.decode()
    # the link to the public page reads 核验 (checking a certificate), not judging's 核对
    assert f'<a href="/verify/{first.code}/">核验</a>' in page.content.decode()
    pdf = login_client(tree.committee_admin).get(reverse("honours:certificates_pdf",
                                                         args=[campaign.pk, "city-stars"]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert pdf["Content-Type"] == "application/pdf" and honour.title in text and first.number in text
    verified = client.get(reverse("certificates:verify", args=[first.code]))
    assert verified.status_code == 200 and honour.title in verified.content.decode()
    # The honour removed afterwards: the certificate's page says its record changed
    honour_remove(actor=tree.committee_admin, honour_id=honour.pk, reason="资格复查不符")
    after = client.get(reverse("certificates:verify", args=[first.code])).content.decode()
    assert "changed" in after or "变更" in after or "更改" in after


def test_a_recommendation_gets_no_certificate_here(tree, campaign):
    with pytest.raises(Conflict) as refused:
        honours_certify(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="jiuquan")
    assert str(refused.value.code) == "honours_not_certifiable" and "酒泉市总工会" in str(refused.value.message)
    with pytest.raises(Conflict) as empty:
        honours_certify(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="city-stars")
    assert str(empty.value.code) == "honours_nothing_confirmed"


def test_another_organisation_cannot_issue_or_print(tree, campaign, contest, login_client, api_client):
    _confirmed(tree, campaign)
    with pytest.raises(NotFound):
        honours_certify(actor=tree.town_b_admin, campaign_id=campaign.pk, rule_key="city-stars")
    honours_certify(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="city-stars")
    url = reverse("honours:certificates_pdf", args=[campaign.pk, "city-stars"])
    assert login_client(tree.town_b_admin).get(url).status_code == 404
    api = api_client(tree.town_b_admin)
    assert api.post(f"/api/v1/honours/campaigns/{campaign.pk}/rules/city-stars/certificates").status_code == 404
    assert api.get(f"/api/v1/honours/campaigns/{campaign.pk}/rules/city-stars/certificates.pdf").status_code == 404


def test_the_api_issues_and_prints(tree, campaign, contest, api_client):
    _confirmed(tree, campaign)
    api = api_client(tree.committee_admin)
    issued = api.post(f"/api/v1/honours/campaigns/{campaign.pk}/rules/city-stars/certificates")
    assert issued.status_code == 200
    body = issued.json()
    assert body and all(item["verify_url"] == f"/verify/{item['code']}/" for item in body)
    assert Certificate.objects.filter(kind="honour").count() == len(body)
    pdf = api.get(f"/api/v1/honours/campaigns/{campaign.pk}/rules/city-stars/certificates.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
