"""HTML to PDF with WeasyPrint, the one way the application typesets a document (the plan, a certificate of
training hours, an activation sheet, a collection's summary table).

The renderer is kept off the network: every URL scheme but data: is refused, so whatever a template or a user's
text carries, nothing is fetched while a PDF is written; images go in as data: URIs. Fonts are the machine's
(the templates name the Noto CJK faces as the fallback)."""


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of a complete HTML document. `base_url` only resolves relative links written into the PDF; it is
    never fetched."""
    # Imported here: WeasyPrint loads Pango and its fonts, which only the PDF paths need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, base_url=base_url, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
