"""The plan as an official document (公文) in the GB/T 9704 layout: HTML with print CSS, PDF and DOCX, all laid
out from one outline (`outline.build_outline`) of the same `Plan` the campaign runs on."""

from suzhi.campaigns.plan.schema import Plan

FORMATS = ("html", "docx", "pdf")

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render_plan(plan: Plan, fmt: str) -> bytes:
    """The document as bytes (HTML in UTF-8); ValueError for a format not in FORMATS."""
    if fmt == "html":
        from suzhi.campaigns.documents.printed import render_html

        return render_html(plan).encode("utf-8")
    if fmt == "pdf":
        from suzhi.campaigns.documents.printed import render_pdf

        return render_pdf(plan)
    if fmt == "docx":
        from suzhi.campaigns.documents.word import render_docx

        return render_docx(plan)
    raise ValueError(f"unknown document format {fmt!r}; use one of {', '.join(FORMATS)}")


def document_filename(plan: Plan, fmt: str) -> str:
    """`dunhuang-2024.docx`: the plan code, with the year added unless the code already ends with it."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown document format {fmt!r}; use one of {', '.join(FORMATS)}")
    year = str(plan.year)
    stem = plan.code if plan.code.endswith(year) else f"{plan.code}-{year}"
    return f"{stem}.{fmt}"


__all__ = ["CONTENT_TYPES", "FORMATS", "document_filename", "render_plan"]
