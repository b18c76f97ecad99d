"""What the certificates app asks of an honour (registered as the source "honour"): its content as it stands, so
the public page can tell a certificate whose honour changed or was withdrawn, and what that page shows."""

import hashlib
from typing import Any

from django.utils.translation import gettext as _

from suzhi.honours.models import Honour
from suzhi.honours.states import State

KIND = "honour"


def digest_of(honour: Honour) -> str:
    text = "\x1f".join([str(honour.pk), honour.name, honour.title, honour.basis, honour.recommend_to])
    return hashlib.sha256(text.encode()).hexdigest()


def honour_digest(source_key: str) -> str | None:
    """The confirmed honour's digest; None when it is gone or no longer confirmed (removed)."""
    honour = Honour.objects.filter(pk=source_key, state=State.CONFIRMED).first() if source_key.isdigit() else None
    return digest_of(honour) if honour is not None else None


def honour_facts(fields: dict[str, Any]) -> list[tuple[str, str]]:
    facts = [(_("Title conferred"), str(fields.get("title", "")))]
    if fields.get("reason"):
        facts.append((_("Basis"), str(fields["reason"])))
    return facts
