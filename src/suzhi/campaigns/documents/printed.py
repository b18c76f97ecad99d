"""The plan as an HTML page with print CSS, and as a PDF typeset from that same page by WeasyPrint."""

from django.template.loader import render_to_string

from suzhi.campaigns.documents.outline import build_outline
from suzhi.campaigns.plan.schema import Plan

TEMPLATE = "campaigns/document/plan.html"


def render_html(plan: Plan) -> str:
    return render_to_string(TEMPLATE, {"plan": plan, "blocks": build_outline(plan)})


def render_pdf(plan: Plan) -> bytes:
    # Imported here: WeasyPrint loads Pango and its fonts, which only this path needs.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The page links nothing; refusing every scheme but data: keeps it so should a plan ever carry a URL.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=render_html(plan), url_fetcher=fetcher).write_pdf()
