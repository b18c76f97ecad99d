"""Refusing an ID number that is on a roster outside the caller's scope, without saying so.

Saying "this person is on the roster of an organisation outside your data scope" answered, for any ID number,
whether that person is registered somewhere: an oracle. The clerk is told only that the number cannot be
registered here and whom to ask (the administrator above, who can see both rosters and makes a transfer), and
the refusal is written to the operation log with the number masked, so that the level above sees who tried.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.errors import ValidationFailed
from suzhi.core.masking import mask_id_number
from suzhi.core.models import Organisation

LOGGED_NUMBERS = 50


def not_registrable_message() -> str:
    return _("This ID number cannot be registered in your organisation. Ask the administrator above you to "
             "check it; if the person is to join your organisation, the transfer is made at that level.")


class IdNumberRefused(ValidationFailed):
    """The ValidationFailed of a form or API call that named such an ID number; `id_number` says which."""

    def __init__(self, message: Any, *, detail: Any, id_number: str, organisation: Organisation | None) -> None:
        super().__init__(message, detail=detail)
        self.id_number = id_number
        self.organisation = organisation


def id_numbers_refused_record(*, actor: Any, id_numbers: Iterable[str], organisation: Organisation | None,
                              source: str) -> None:
    """One operation-log row for the numbers refused by one form, API call or file, masked; its own
    transaction, so that it stays when the refused change is rolled back."""
    masked = sorted({mask_id_number(number) for number in id_numbers})
    if not masked:
        return
    with transaction.atomic():
        oplog.record(
            actor=actor, action="person.id_refused", organisation=organisation or getattr(actor, "organisation", None),
            after={"source": source, "count": len(masked), "id_numbers": masked[:LOGGED_NUMBERS]},
            summary=_("%(source)s: refused %(count)d ID numbers that cannot be registered here (%(numbers)s)")
            % {"source": source, "count": len(masked), "numbers": "、".join(masked[:5])},
        )
