"""Serving stored files (suzhi.core.files.serving.file_response): download names without path separators, the
headers of a private download, thumbnails, and blind copies without author metadata."""

import io
import zipfile

import pytest
from django.test import RequestFactory
from PIL import Image

from suzhi.core.errors import Conflict
from suzhi.core.files.serving import file_response, safe_download_name
from suzhi.core.services.files import file_store
from tests.core import sample_files
from tests.core.sample_files import sample_file
from tests.support import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.SUZHI_FILES_DIR = tmp_path / "files"


def store(tree, name, data):
    return file_store(actor=tree.unit_a_admin, upload=upload(name, data), allowed=[name.rsplit(".", 1)[-1]],
                      max_mb=5, organisation=tree.unit_a)


def serve(stored, name="合理化建议-A-0123-附件1", **kwargs):
    response = file_response(request=RequestFactory().get("/"), stored=stored, download_name=name, **kwargs)
    return response, b"".join(response.streaming_content)


@pytest.mark.parametrize("given, safe", [
    ("合理化建议-A-0123-附件1.docx", "合理化建议-A-0123-附件1.docx"),
    ("合理化建议-A-0123-附件1", "合理化建议-A-0123-附件1.docx"),
    ("../../etc/passwd", "_.._etc_passwd.docx"),
    ("C:\\Users\\张三\\建议.docx", "C__Users_张三_建议.docx"),
    ("a\r\nSet-Cookie: x=1.docx", "a__Set-Cookie_ x=1.docx"),
    ("...", "file.docx"),
    ("", "file.docx"),
    ("x" * 300, "x" * 115 + ".docx"),
])
def test_download_names_cannot_carry_path_separators(given, safe):
    assert safe_download_name(given, "docx") == safe
    assert "/" not in safe and "\\" not in safe


def test_a_download_is_a_private_attachment_named_by_the_caller(tree):
    data = sample_file("docx")
    stored = store(tree, "张三的建议.docx", data)
    response, body = serve(stored)
    assert body == data
    assert response["Content-Type"] == stored.content_type
    assert response["Content-Disposition"] == (
        "attachment; filename=\"_-A-0123-_1.docx\"; filename*=UTF-8''"
        "%E5%90%88%E7%90%86%E5%8C%96%E5%BB%BA%E8%AE%AE-A-0123-%E9%99%84%E4%BB%B61.docx")
    assert "张三" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    cache = response["Cache-Control"]
    assert "private" in cache and "no-store" in cache and "max-age=0" in cache


def test_a_crafted_name_stays_one_header_value(tree):
    stored = store(tree, "a.pdf", sample_file("pdf"))
    response, _body = serve(stored, name='x"; filename="evil.html\r\nX-Evil: 1')
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and '"; filename="evil' not in disposition
    assert disposition.endswith(".pdf")


def test_a_thumbnail_is_served_inline(tree):
    stored = store(tree, "现场.png", sample_files.image(size=(900, 300)))
    response, body = serve(stored, "现场照片", thumbnail=True)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;") and response["Content-Disposition"].endswith(".jpg")
    with Image.open(io.BytesIO(body)) as picture:
        assert picture.size == (320, 107)


def test_a_file_without_a_thumbnail_answers_404_for_one(tree):
    from django.http import Http404

    stored = store(tree, "a.pdf", sample_file("pdf"))
    with pytest.raises(Http404):
        serve(stored, thumbnail=True)


def test_a_file_gone_from_disk_answers_404(tree):
    from django.http import Http404

    from suzhi.core.files import storage

    stored = store(tree, "a.pdf", sample_file("pdf"))
    storage.path_of(stored.storage_key).unlink()
    with pytest.raises(Http404):
        serve(stored)


# Blind review

def parts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: archive.read(info) for info in archive.infolist()}


def test_a_blind_docx_has_no_author_or_company(tree):
    original = sample_files.docx(author="张三", company="七里镇甲企业")
    stored = store(tree, "建议.docx", original)
    assert b"\xe5\xbc\xa0\xe4\xb8\x89" in parts(original)["docProps/core.xml"]  # 张三
    _response, body = serve(stored, strip_metadata=True)
    cleaned = parts(body)
    core, app = cleaned["docProps/core.xml"].decode(), cleaned["docProps/app.xml"].decode()
    assert "张三" not in core and "creator" not in core and "lastModifiedBy" not in core
    assert "七里镇甲企业" not in app and "李四" not in app and "<Company" not in app and "<Manager" not in app
    assert set(cleaned) == set(parts(original))
    from docx import Document

    document = Document(io.BytesIO(body))  # still a Word document
    assert document.paragraphs[0].text == "合理化建议：改进焊接工艺"
    assert document.core_properties.author == ""
    # The stored file itself is unchanged
    _response, plain = serve(stored)
    assert plain == original


def test_comment_and_revision_authors_are_blanked():
    from suzhi.core.files.metadata import clean_part

    comments = b'<w:comments><w:comment w:id="0" w:author="\xe5\xbc\xa0\xe4\xb8\x89" w:initials="ZS"/></w:comments>'
    assert clean_part("word/comments.xml", comments) == (
        b'<w:comments><w:comment w:id="0" w:author="" w:initials=""/></w:comments>')
    revision = b'<w:ins w:id="1" w:author="Zhang San" w:date="2024-05-01T00:00:00Z"><w:r/></w:ins>'
    assert b"Zhang" not in clean_part("word/document.xml", revision)
    authors = b'<authors><author>Zhang San</author></authors>'
    assert clean_part("xl/comments1.xml", authors) == b"<authors><author></author></authors>"
    assert clean_part("word/styles.xml", revision) == revision  # parts that name nobody are left alone


def test_a_blind_xlsx_and_pptx(tree):
    _response, body = serve(store(tree, "表.xlsx", sample_file("xlsx")), strip_metadata=True)
    assert "张三" not in parts(body)["docProps/core.xml"].decode()
    _response, body = serve(store(tree, "汇报.pptx", sample_file("pptx")), strip_metadata=True)
    cleaned = parts(body)
    assert "张三" not in cleaned["docProps/core.xml"].decode() and "汇报" in cleaned["docProps/core.xml"].decode()
    assert "张三" not in cleaned["ppt/commentAuthors.xml"].decode()


def test_a_blind_jpeg_has_no_exif(tree):
    from PIL import ExifTags

    gps = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (40.0, 8.0, 30.0)}
    original = sample_files.image("JPEG", size=(60, 40), exif={0x013B: "Zhang San", 0x0112: 6, 0x8825: gps})
    with Image.open(io.BytesIO(original)) as picture:
        assert picture.getexif()[0x013B] == "Zhang San" and picture.getexif().get_ifd(0x8825)
    stored = store(tree, "现场.jpg", original)
    _response, body = serve(stored, strip_metadata=True)
    with Image.open(io.BytesIO(body)) as picture:
        assert picture.format == "JPEG"
        assert not picture.getexif() and "exif" not in picture.info
        assert picture.size == (40, 60)  # turned upright before the orientation went


@pytest.mark.parametrize("fmt, extension", [("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")])
def test_other_blind_images_have_no_exif(tree, fmt, extension):
    exif = {0x013B: "张三"} if fmt != "GIF" else None
    original = sample_files.image(fmt, exif=exif)
    if exif:
        with Image.open(io.BytesIO(original)) as picture:
            assert picture.getexif()
    stored = store(tree, f"图.{extension}", original)
    _response, body = serve(stored, strip_metadata=True)
    with Image.open(io.BytesIO(body)) as picture:
        assert picture.format == fmt and not picture.getexif()


def test_a_blind_pdf_has_no_author_creator_or_producer(tree):
    from pypdf import PdfReader

    original = sample_files.pdf(author="张三")
    assert PdfReader(io.BytesIO(original)).metadata["/Author"] == "张三"
    _response, body = serve(store(tree, "汇报.pdf", original), strip_metadata=True)
    metadata = PdfReader(io.BytesIO(body)).metadata or {}
    assert "/Author" not in metadata and "/Creator" not in metadata
    assert metadata.get("/Producer") in (None, "pypdf")  # the writer's own name at most, never the unit's
    assert "张三".encode("utf-16-be") not in body and "某单位".encode("utf-16-be") not in body
    assert metadata.get("/Title") == "汇报"


def test_a_blind_text_file_is_served_as_it_is(tree):
    data = "建议内容".encode()
    _response, body = serve(store(tree, "a.txt", data), strip_metadata=True)
    assert body == data


@pytest.mark.parametrize("extension", ["doc", "xls", "ppt", "zip"])
def test_a_blind_copy_of_a_type_that_cannot_be_cleaned_is_refused(tree, extension):
    stored = store(tree, f"a.{extension}", sample_file(extension))
    with pytest.raises(Conflict) as caught:
        serve(stored, strip_metadata=True)
    assert caught.value.code == "blind_copy_unavailable"
    assert str(caught.value.message) == f"无法为 .{extension} 文件生成去除作者信息的副本。"


def test_a_damaged_pdf_is_refused_for_a_blind_copy(tree):
    stored = store(tree, "a.pdf", b"%PDF-1.4 nothing else")
    with pytest.raises(Conflict) as caught:
        serve(stored, strip_metadata=True)
    assert caught.value.code == "blind_copy_unavailable"
