"""The plan as an HTML page with print CSS, and as a PDF typeset from that same page by WeasyPrint."""

from django.template.loader import render_to_string

from suzhi.campaigns.documents.outline import build_outline
from suzhi.campaigns.plan.schema import Plan
from suzhi.core.pdf import html_to_pdf

TEMPLATE = "campaigns/document/plan.html"


def render_html(plan: Plan) -> str:
    return render_to_string(TEMPLATE, {"plan": plan, "blocks": build_outline(plan)})


def render_pdf(plan: Plan) -> bytes:
    return html_to_pdf(render_html(plan))
