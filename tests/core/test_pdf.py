"""The one HTML-to-PDF helper: a data: image is drawn, any other URL is refused (never fetched), Chinese text is
typeset with the machine's fonts."""

import base64
import io

import pypdf

from suzhi.core.pdf import html_to_pdf

# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _images(pdf: bytes) -> int:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return sum(len(page.images) for page in reader.pages)


def test_chinese_text_and_a_data_image_are_in_the_pdf():
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    pdf = html_to_pdf(f'<html><body><p>汇总表测试</p><img src="{uri}" style="width:10mm"></body></html>')
    assert pdf.startswith(b"%PDF-")
    assert "汇总表测试" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert _images(pdf) == 1


def test_a_file_or_network_url_is_not_fetched(tmp_path):
    image = tmp_path / "local.png"
    image.write_bytes(PNG)
    pdf = html_to_pdf(f'<html><body><p>x</p><img src="{image.as_uri()}" style="width:10mm">'
                      f'<img src="http://127.0.0.1:9/remote.png" style="width:10mm"></body></html>',
                      base_url=tmp_path.as_uri() + "/")
    assert pdf.startswith(b"%PDF-") and _images(pdf) == 0
