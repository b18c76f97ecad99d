"""The honours roll as an Excel sheet (光荣榜导出): the confirmed honours the viewer sees on the roll, one row each.
Only what the roll shows leaves with it: names and units, never ID numbers or phones; every cell goes through
core.excel, so a name typed as a formula stays text."""

import dataclasses
from collections.abc import Iterator
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from suzhi.core.errors import ValidationFailed
from suzhi.core.excel import write_xlsx
from suzhi.core.services.exports import sync_max_rows
from suzhi.honours.error_codes import HonourErrors
from suzhi.honours.rules import rules_of
from suzhi.honours.selectors.honours import honour_campaign, roll_focus, roll_honours


@dataclasses.dataclass(frozen=True)
class RollExport:
    filename: str
    content: bytes
    rows: int
    campaign: Any


def _rows(honours: Any, rule_titles: dict[str, str]) -> Iterator[list[Any]]:
    for honour in honours.iterator(chunk_size=500):
        recipient = _("Person") if honour.person_id is not None else _("Unit")
        confirmed = formats.date_format(honour.confirmed_at, "Y-m-d") if honour.confirmed_at else ""
        yield [rule_titles.get(honour.rule_key, honour.rule_key), honour.title, honour.name, recipient,
               honour.organisation.name, honour.basis, honour.position, honour.recommend_to, confirmed]


def roll_export(*, user: Any, campaign_id: Any, org_id: Any = None) -> RollExport:
    campaign = honour_campaign(user=user, campaign_id=campaign_id)
    honours = roll_honours(user=user, campaign=campaign, focus=roll_focus(user, org_id))
    count, most = honours.count(), sync_max_rows()
    if count > most:
        raise ValidationFailed(_("%(count)s honours match; one export holds at most %(most)s. Choose an "
                                 "organisation.") % {"count": count, "most": most},
                               code=HonourErrors.EXPORT_TOO_LARGE)
    headers = [_("Award"), _("Title conferred"), _("Recipient"), _("Recipient kind"), _("Unit"), _("Basis"),
               _("Place"), _("Recommended to"), _("Confirmed on")]
    rule_titles = {rule.key: rule.title for rule in rules_of(campaign)}
    content = write_xlsx(headers, _rows(honours, rule_titles), sheet_title=_("Honours roll"))
    return RollExport(filename=f"{campaign.title}-{_('honours roll')}.xlsx", content=content, rows=count,
                      campaign=campaign)



