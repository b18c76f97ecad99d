"""Issuing (idempotent per content, numbered per issuer and year, in batches), revoking (with a reason, once, by
the issuer's administrators only) and the wording of a campaign's 荣誉证书 (placeholders checked)."""

import pytest
from django.utils import timezone, translation

from suzhi.certificates.models import Certificate, CertificateSequence, CertificateTemplate
from suzhi.certificates.numbers import ALPHABET
from suzhi.certificates.services.issue import IssueItem, certificates_issue_batch
from suzhi.certificates.services.revoke import certificate_revoke
from suzhi.certificates.services.templates import certificate_template_save
from suzhi.certificates.wording import Wording, wording_for
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.models import OperationLog
from tests.campaigns.factories import plan_yaml
from tests.certificates.factories import KIND, digest_of, issue_honour

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def test_issuing_the_same_content_again_hands_back_the_same_certificate(tree):
    first = issue_honour(tree.town_a_admin, tree.town_a)
    again = issue_honour(tree.committee_admin, tree.town_a)
    assert again.pk == first.pk and Certificate.objects.count() == 1
    assert OperationLog.objects.filter(action="certificates.issue").count() == 1
    assert first.number == f"DH-QLZ-{YEAR}-000001"
    assert len(first.code) == 12 and set(first.code) <= set(ALPHABET)
    assert first.issued_by == tree.town_a_admin and first.kind == KIND and first.source_key == "1"
    # The source changed: a new certificate with the next number; the first one stays.
    changed = issue_honour(tree.town_a_admin, tree.town_a, content="v2")
    assert changed.pk != first.pk and changed.number == f"DH-QLZ-{YEAR}-000002" and changed.code != first.code
    # Another issuer counts on its own.
    other = issue_honour(tree.committee_admin, tree.committee, key="2")
    assert other.number == f"DH-ZWH-{YEAR}-000001"


def test_the_snapshot_keeps_the_wording_it_was_issued_with(tree, platform_admin):
    with translation.override("zh-hans"):
        certificate = issue_honour(tree.town_a_admin, tree.town_a)
    text = certificate.fields["text"]
    assert certificate.title == text["heading"] == "荣誉证书"
    assert "王小五" in text["body"] and "优秀志愿者" in text["body"] and "表现突出" in text["body"]
    assert text["closing"] == "特发此证，以资鼓励。" and text["signature"] == tree.town_a.name
    # Editing the default wording afterwards changes nothing on it.
    certificate_template_save(actor=platform_admin, campaign_id=None, heading="奖状", body="{recipient}同志")
    certificate.refresh_from_db()
    assert certificate.fields["text"]["heading"] == "荣誉证书"
    assert issue_honour(tree.town_a_admin, tree.town_a, key="9").title == "奖状"


def test_only_the_issuers_administrators_issue_unless_the_source_vouches(tree):
    with pytest.raises(NotFound):
        issue_honour(tree.town_b_admin, tree.town_a)
    with pytest.raises(NotFound):
        issue_honour(tree.participant_a, tree.unit_a)
    assert not Certificate.objects.exists()
    # The kind has checked the person may have their own (a participant asking for their certificate of hours).
    assert issue_honour(tree.participant_a, tree.unit_a, authorised_by_source=True).issued_by == tree.participant_a


def test_a_batch_has_consecutive_numbers_and_hands_back_what_was_issued(tree):
    before = issue_honour(tree.town_a_admin, tree.town_a, key="k1", content="k1")
    items = [IssueItem(source_key=f"k{i}", recipient_name=f"职工{i}",
                       fields={"title": "岗位能手", "reason": "技能出众"},
                       digest=digest_of(f"k{i}")) for i in range(1, 6)]
    batch = certificates_issue_batch(actor=tree.town_a_admin, kind=KIND, issuer=tree.town_a, items=items)
    assert [c.source_key for c in batch] == ["k1", "k2", "k3", "k4", "k5"]
    assert batch[0].pk == before.pk
    assert [c.number for c in batch[1:]] == [f"DH-QLZ-{YEAR}-00000{n}" for n in range(2, 6)]
    assert len({c.code for c in batch}) == 5
    assert OperationLog.objects.filter(action="certificates.issue_batch").get().after["count"] == 4
    # Again: nothing new, no log row.
    again = certificates_issue_batch(actor=tree.town_a_admin, kind=KIND, issuer=tree.town_a, items=items)
    assert [c.pk for c in again] == [c.pk for c in batch]
    assert OperationLog.objects.filter(action="certificates.issue_batch").count() == 1
    assert CertificateSequence.objects.get(issuer=tree.town_a, year=YEAR).last == 5
    with pytest.raises(NotFound):
        certificates_issue_batch(actor=tree.town_b_admin, kind=KIND, issuer=tree.town_a, items=items)


def test_revoking_needs_a_reason_happens_once_and_is_logged(tree):
    certificate = issue_honour(tree.town_a_admin, tree.town_a)
    with pytest.raises(ValidationFailed) as refused:
        certificate_revoke(actor=tree.town_a_admin, certificate_id=certificate.pk, reason="  ")
    assert refused.value.code == "revoke_reason_required"
    revoked = certificate_revoke(actor=tree.town_a_admin, certificate_id=certificate.pk, reason="评选材料不实")
    assert revoked.revoked and revoked.revoke_reason == "评选材料不实" and revoked.revoked_by == tree.town_a_admin
    log = OperationLog.objects.get(action="certificates.revoke")
    assert log.organisation == tree.town_a and log.after["reason"] == "评选材料不实"
    with pytest.raises(Conflict):
        certificate_revoke(actor=tree.town_a_admin, certificate_id=certificate.pk, reason="再次")
    # Revoked content issued again is the same, revoked, certificate: a revocation stands.
    assert issue_honour(tree.town_a_admin, tree.town_a).revoked


def test_another_organisation_cannot_revoke(tree):
    certificate = issue_honour(tree.town_a_admin, tree.town_a)
    for actor in (tree.town_b_admin, tree.unit_a_admin, tree.participant_a):
        with pytest.raises(NotFound):
            certificate_revoke(actor=actor, certificate_id=certificate.pk, reason="越权")
    certificate.refresh_from_db()
    assert not certificate.revoked
    # Above the issuer: the committee may.
    assert certificate_revoke(actor=tree.committee_admin, certificate_id=certificate.pk, reason="撤销").revoked


def test_template_placeholders_are_checked_with_a_chinese_message(tree, platform_admin):
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        certificate_template_save(actor=platform_admin, campaign_id=None, heading="荣誉证书",
                                  body="{recipient}荣获{honor}称号")
    assert refused.value.code == "bad_placeholder"
    assert "未知的占位符 {honor}" in str(refused.value.message) and "{recipient}" in str(refused.value.message)
    assert refused.value.detail == [{"field": "body", "message": str(refused.value.message)}]
    for body in ("{recipient", "{recipient!r}", "{title:>10}", "{}"):
        with pytest.raises(ValidationFailed):
            certificate_template_save(actor=platform_admin, campaign_id=None, heading="荣誉证书", body=body)
    assert not CertificateTemplate.objects.exists()
    saved = certificate_template_save(actor=platform_admin, campaign_id=None, heading="荣誉证书",
                                      body="授予{recipient}“{title}”称号，{{特此}}。", closing="特发此证，以资鼓励。")
    assert wording_for(None) == Wording("荣誉证书", saved.body, "特发此证，以资鼓励。", "")


def test_a_campaigns_template_is_edited_by_its_administrators_only(tree):
    from suzhi.campaigns.services.plans import plan_load

    campaign = plan_load(actor=tree.committee_admin, text=plan_yaml(organiser="DH-QLZ", code="qlz-2024"))
    certificate_template_save(actor=tree.town_a_admin, campaign_id=campaign.pk, heading="荣誉证书",
                              body="{recipient}在{campaign}中被评为“{title}”。")
    assert wording_for(campaign.pk).body == "{recipient}在{campaign}中被评为“{title}”。"
    assert OperationLog.objects.filter(action="certificates.template_save", organisation=tree.town_a).exists()
    for actor in (tree.town_b_admin, tree.participant_a):
        with pytest.raises(NotFound):
            certificate_template_save(actor=actor, campaign_id=campaign.pk, heading="x", body="y")
    # The platform's default belongs to those whose scope is the whole platform.
    with pytest.raises(NotFound):
        certificate_template_save(actor=tree.town_a_admin, campaign_id=None, heading="x", body="y")
    certificate = issue_honour(tree.town_a_admin, tree.town_a, campaign=campaign)
    assert certificate.fields["text"]["body"] == f"王小五在{campaign.title}中被评为“优秀志愿者”。"


def test_a_batch_to_print_is_bounded(tree):
    from suzhi.certificates.selectors.certificates import BATCH_MAX, certificates_selected

    certificate = issue_honour(tree.town_a_admin, tree.town_a)
    assert certificates_selected(user=tree.town_a_admin, ids=[certificate.pk, str(certificate.pk)]) == [certificate]
    with pytest.raises(ValidationFailed) as refused:
        certificates_selected(user=tree.town_a_admin, ids=list(range(1, BATCH_MAX + 2)))
    assert refused.value.code == "too_many_certificates"
    with pytest.raises(NotFound):
        certificates_selected(user=tree.town_a_admin, ids=[certificate.pk, "x"])
