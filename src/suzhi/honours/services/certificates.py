"""荣誉证书 for confirmed honours, through the platform's certificate service: issued by the campaign's organiser,
in the campaign's wording, one number each; issuing again hands back the certificates already issued."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.certificates.models import Certificate
from suzhi.certificates.services.issue import IssueItem, certificates_issue_batch
from suzhi.core import oplog
from suzhi.core.errors import Conflict
from suzhi.core.models import User
from suzhi.honours.certs import KIND, digest_of
from suzhi.honours.error_codes import HonourErrors
from suzhi.honours.models import Honour
from suzhi.honours.rules import rule_of
from suzhi.honours.services.honours import managed_campaign
from suzhi.honours.states import State


@transaction.atomic
def honours_certify(*, actor: User, campaign_id: Any, rule_key: str) -> list[Certificate]:
    """The certificates of the rule's confirmed honours, in the order of the roll. A recommendation to an outside
    body (推荐酒泉) is that body's to certify: refused."""
    campaign = managed_campaign(actor=actor, campaign_id=campaign_id)
    _index, rule = rule_of(campaign, rule_key)
    if rule.recommend_to:
        raise Conflict(_("“%(rule)s” recommends to %(body)s, who confers the titles: no certificate here.")
                       % {"rule": rule.title, "body": rule.recommend_to}, code=HonourErrors.NOT_CERTIFIABLE)
    honours = list(Honour.objects.filter(campaign=campaign, rule_key=rule.key, state=State.CONFIRMED)
                   .select_related("person", "organisation").order_by("position", "name", "pk"))
    if not honours:
        raise Conflict(_("Nothing is confirmed under “%(rule)s” yet.") % {"rule": rule.title},
                       code=HonourErrors.NOTHING_CONFIRMED)
    items = [IssueItem(source_key=str(h.pk), recipient_name=h.name, digest=digest_of(h), person=h.person,
                       organisation=h.organisation,
                       fields={"title": h.title, "reason": h.basis or rule.title})
             for h in honours]
    issued = certificates_issue_batch(actor=actor, kind=KIND, issuer=campaign.organiser, campaign=campaign,
                                      items=items)
    oplog.record(actor=actor, action="honours.certify", obj=campaign, organisation=campaign.organiser,
                 after={"rule": rule.key, "certificates": len(issued)}, summary=rule.title)
    return issued
