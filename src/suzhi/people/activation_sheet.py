"""The activation sheet (账号激活单): an A4 PDF of cards to cut apart, one per person, with the name, the unit, the
username, the one-time code and a QR code that opens the activation page with the code filled in.

Nothing else about the person is printed: the username of a bulk-created account is "ry" and the person's id, never
their phone or ID number, so the sheet can lie on a desk or go round a workshop."""

import dataclasses
import datetime

import segno
from django.template.loader import render_to_string

from suzhi.core.codes import format_code
from suzhi.core.pdf import html_to_pdf

TEMPLATE = "people/accounts/activation_sheet.html"


@dataclasses.dataclass(frozen=True)
class SheetCard:
    name: str
    organisation: str
    username: str
    code: str


def render_activation_sheet(*, cards: list[SheetCard], activate_url: str, title: str,
                            expires_on: datetime.date) -> bytes:
    """The PDF. `activate_url` is the absolute address of the activation page; each QR code carries it with the
    person's code appended (/activate/<code>/)."""
    base = activate_url.rstrip("/") + "/"
    rows = [{
        "card": card,
        "code_shown": format_code(card.code),
        # A data: URI is what the PDF renderer takes without fetching anything.
        "qr": segno.make(f"{base}{card.code}/", error="m").svg_data_uri(scale=4, border=1),
    } for card in cards]
    # Two cards a row: a table, which the PDF renderer breaks across pages between rows (a flex box it would not).
    pairs = [rows[i:i + 2] for i in range(0, len(rows), 2)]
    html = render_to_string(TEMPLATE, {"pairs": pairs, "activate_url": base, "title": title, "expires_on": expires_on})
    return html_to_pdf(html)
