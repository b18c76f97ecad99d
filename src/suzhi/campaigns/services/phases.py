"""Closing a phase early or extending it (提前结束/延期), always with a reason and logged."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Phase
from suzhi.campaigns.selectors.campaigns import MANAGE, access_campaign_for_update
from suzhi.core import oplog
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.models import User
from suzhi.core.web import ensure_perm


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, detail=[{"field": field, "message": message}])


@transaction.atomic
def phase_set_end(*, actor: User, campaign_id: Any, phase_key: str, ends_on: datetime.date | None,
                  reason: str) -> Phase:
    """Move a phase's last day: earlier closes it early, later extends it; None returns to the plan's date."""
    ensure_perm(actor, MANAGE)
    campaign = access_campaign_for_update(user=actor, campaign_id=campaign_id)
    phase = Phase.objects.select_for_update().filter(campaign=campaign, key=phase_key).first()
    if phase is None:
        raise NotFound()
    reason = (reason or "").strip()
    if ends_on is not None:
        if ends_on < phase.starts_on:
            raise _invalid("ends_on", _("The phase cannot end before it starts (%(date)s).")
                           % {"date": phase.starts_on.isoformat()})
        if not reason:
            raise _invalid("reason", _("Say why the phase closes early or is extended."))
        if len(reason) > 200:
            raise _invalid("reason", _("The reason may have at most %(n)d characters.") % {"n": 200})
        if ends_on == phase.ends_on:
            ends_on = None
    before = {"ends_on": phase.effective_end.isoformat(), "reason": phase.override_reason}
    phase.ends_on_override = ends_on
    phase.override_reason = reason if ends_on is not None else ""
    phase.save(update_fields=["ends_on_override", "override_reason"])
    oplog.record(
        actor=actor, action="campaign.phase_override", obj=campaign, organisation=campaign.organiser,
        before=before, after={"phase": phase.key, "ends_on": phase.effective_end.isoformat(), "reason": reason},
        summary=_("%(phase)s now ends on %(date)s") % {"phase": phase.title, "date": phase.effective_end.isoformat()},
    )
    return phase
