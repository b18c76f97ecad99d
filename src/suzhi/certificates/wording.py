"""The wording of a 荣誉证书: the platform's default, a campaign's own (CertificateTemplate), the check of its
placeholders and the text a certificate is printed with. The text is filled in when the certificate is issued
and kept in its snapshot: editing a template later does not change certificates already issued."""

import dataclasses
import string
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suzhi.certificates.error_codes import CertificateErrors
from suzhi.certificates.models import CertificateTemplate
from suzhi.core.errors import ValidationFailed

# What a body may name, with what it stands for (shown next to the form).
PLACEHOLDERS = {
    "recipient": gettext_lazy("the recipient's name"),
    "title": gettext_lazy("the title or honour conferred"),
    "reason": gettext_lazy("why it was conferred"),
    "campaign": gettext_lazy("the campaign's title"),
    "issuer": gettext_lazy("the issuing organisation"),
    "year": gettext_lazy("the year of issue"),
}


@dataclasses.dataclass(frozen=True)
class Wording:
    heading: str
    body: str
    closing: str
    signature: str  # empty: the issuing organisation's name


def default_wording() -> Wording:
    return Wording(
        heading=_("Certificate of Honour"),
        body=_("{recipient}: for {reason}, you have been awarded the title of “{title}”."),
        closing=_("This certificate is awarded in recognition and encouragement."),
        signature="",
    )


def placeholders_in(text: str) -> list[str]:
    """The names a text uses; ValidationFailed (in Chinese when the site is) for unknown or malformed ones."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise ValidationFailed(_("The braces in the text do not match: write a placeholder as {recipient}, and a "
                                 "brace on its own as {{ or }}."), code=CertificateErrors.BAD_PLACEHOLDER) from None
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise ValidationFailed(
                _("Unknown placeholder {%(name)s}. Use only: %(allowed)s.")
                % {"name": name, "allowed": "、".join(f"{{{key}}}" for key in PLACEHOLDERS)},
                code=CertificateErrors.BAD_PLACEHOLDER, detail={"placeholder": name})
        names.append(name)
    return names


def check_wording(*, heading: str, body: str, closing: str, signature: str) -> None:
    """ValidationFailed naming the field (detail [{"field", "message"}]) whose placeholders are wrong."""
    for field, text in (("heading", heading), ("body", body), ("closing", closing), ("signature", signature)):
        try:
            placeholders_in(text)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code=CertificateErrors.BAD_PLACEHOLDER,
                                   detail=[{"field": field, "message": str(exc.message)}]) from None
    for field, text in (("heading", heading), ("body", body)):
        if not text.strip():
            raise ValidationFailed(_("A certificate needs a heading and a body."),
                                   code=CertificateErrors.BAD_PLACEHOLDER,
                                   detail=[{"field": field, "message": _("This field is required.")}])


def wording_for(campaign_id: int | None) -> Wording:
    """The campaign's template, else the platform's default template, else the built-in wording."""
    rows = {row.campaign_id: row for row in CertificateTemplate.objects.filter(
        campaign_id__in=[campaign_id] if campaign_id else []) | CertificateTemplate.objects.filter(
        campaign__isnull=True)}
    row = rows.get(campaign_id) if campaign_id else None
    row = row or rows.get(None)
    if row is None:
        return default_wording()
    return Wording(row.heading, row.body, row.closing, row.signature)


def fill(text: str, values: dict[str, Any]) -> str:
    """The text with its placeholders replaced; values missing from `values` print as nothing."""
    return string.Formatter().vformat(text, (), {key: values.get(key, "") or "" for key in PLACEHOLDERS})
