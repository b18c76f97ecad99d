"""Editing the wording of a campaign's 荣誉证书 (or the platform's default, without a campaign). The campaign's
administrators edit theirs (certificates.manage within the campaign's organiser); the default belongs to those
whose scope is the whole platform. Placeholders are checked before anything is saved."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Campaign
from suzhi.certificates.manifest import MANAGE
from suzhi.certificates.models import CertificateTemplate
from suzhi.certificates.selectors.certificates import edits_default_template
from suzhi.certificates.wording import check_wording
from suzhi.core import oplog
from suzhi.core.errors import NotFound
from suzhi.core.models import User
from suzhi.core.scope import may_manage


def template_campaign(*, actor: User, campaign_id: Any) -> Campaign | None:
    """The campaign whose template `actor` may edit (None: the platform's default); NotFound otherwise."""
    if campaign_id in (None, ""):
        if not edits_default_template(actor):
            raise NotFound()
        return None
    if not str(campaign_id).isdigit():
        raise NotFound()
    campaign = Campaign.objects.select_related("organiser").filter(pk=int(campaign_id)).first()
    if campaign is None or not may_manage(actor, MANAGE, campaign.organiser):
        raise NotFound()
    return campaign


@transaction.atomic
def certificate_template_save(*, actor: User, campaign_id: Any, heading: str, body: str, closing: str = "",
                              signature: str = "") -> CertificateTemplate:
    campaign = template_campaign(actor=actor, campaign_id=campaign_id)
    heading, body, closing, signature = (v.strip() for v in (heading, body, closing, signature))
    check_wording(heading=heading, body=body, closing=closing, signature=signature)
    template = CertificateTemplate.objects.select_for_update().filter(
        campaign=campaign).first() if campaign else CertificateTemplate.objects.select_for_update().filter(
        campaign__isnull=True).first()
    before = oplog.snapshot(template, ["heading", "body", "closing", "signature"]) if template else None
    if template is None:
        template = CertificateTemplate(campaign=campaign)
    template.heading, template.body, template.closing, template.signature = heading, body, closing, signature
    template.updated_by = actor if actor.pk is not None else None
    template.save()
    after = oplog.snapshot(template, ["heading", "body", "closing", "signature"])
    before, after = oplog.changed(before, after)
    oplog.record(actor=actor, action="certificates.template_save", obj=template,
                 organisation=campaign.organiser if campaign else None, before=before, after=after,
                 summary=_("Certificate template of %(campaign)s") % {
                     "campaign": campaign.title if campaign else _("the platform")})
    return template
