"""The 荣誉证书 as a PDF: A4 landscape, the Noto CJK faces embedded, the verification QR drawn from a data: URI
(never fetched). A batch is one HTML document with a page per certificate, typeset once: the fonts are loaded
and subset once for the whole batch, which is what makes it much cheaper than as many single PDFs."""

from collections.abc import Sequence

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from suzhi.certificates.models import Certificate
from suzhi.core.codes import format_code
from suzhi.core.pdf import html_to_pdf

TEMPLATE = "certificates/certificate_pdf.html"


def verify_url(certificate: Certificate, base_url: str = "") -> str:
    """The public page of the certificate's code; `base_url` ("https://host") makes it absolute for the QR."""
    return f"{base_url.rstrip('/')}{reverse('certificates:verify', args=[certificate.code])}"


def _paragraphs(body: str) -> list[tuple[str, bool]]:
    """The body's lines as paragraphs; a salutation ("王小五同志：") stands flush left, the rest indented."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    return [(line, not (index == 0 and len(lines) > 1 and line.endswith((":", "："))))
            for index, line in enumerate(lines)]


def _page(certificate: Certificate, base_url: str) -> dict:
    url = verify_url(certificate, base_url)
    text = certificate.fields.get("text") or {}
    return {
        "certificate": certificate,
        "heading": text.get("heading") or certificate.title,
        "paragraphs": _paragraphs(text.get("body", "")),
        "closing": text.get("closing", ""),
        "signature": text.get("signature") or certificate.issuer.name,
        "issued_on": timezone.localdate(certificate.issued_at),
        "code_shown": format_code(certificate.code),
        "verify_url": url,
        "qr_data_uri": segno.make(url, error="m").svg_data_uri(scale=4, border=1),
    }


def certificates_html(certificates: Sequence[Certificate], *, base_url: str = "") -> str:
    return render_to_string(TEMPLATE, {"pages": [_page(c, base_url) for c in certificates]})


def certificate_pdf(certificate: Certificate, *, base_url: str = "") -> bytes:
    return html_to_pdf(certificates_html([certificate], base_url=base_url))


def certificates_pdf(certificates: Sequence[Certificate], *, base_url: str = "") -> bytes:
    """One PDF, a page per certificate, in the order given."""
    return html_to_pdf(certificates_html(certificates, base_url=base_url))
