"""Uploaded attachments (suzhi.core.files): every accepted type from a real file made here, every refusal with
its Chinese message, where the bytes lie, thumbnails, rollback, and the organisation's usage count."""

import io
import zipfile

import pytest
from django.db import transaction
from PIL import Image

from suzhi.core import org_usage
from suzhi.core.errors import ValidationFailed
from suzhi.core.files import checks, storage
from suzhi.core.models import OperationLog, StoredFile
from suzhi.core.services.files import file_store
from suzhi.core.services.orgs import org_create
from tests.core import sample_files
from tests.core.sample_files import sample_file
from tests.support import upload

pytestmark = pytest.mark.django_db

EVERY_TYPE = checks.SUPPORTED_EXTENSIONS


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.SUZHI_FILES_DIR = tmp_path / "files"
    return settings.SUZHI_FILES_DIR


def store(tree, name, data, allowed=EVERY_TYPE, max_mb=5, org=None):
    return file_store(actor=tree.unit_a_admin, upload=upload(name, data), allowed=allowed, max_mb=max_mb,
                      organisation=org or tree.unit_a)


def refused(tree, name, data, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        store(tree, name, data, **kwargs)
    return caught.value


def files_on_disk(directory):
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


@pytest.mark.parametrize("extension", EVERY_TYPE)
def test_every_type_is_accepted_from_a_real_file(tree, extension, files_dir):
    data = sample_file(extension)
    stored = store(tree, f"张三的附件.{extension.upper()}", data)
    assert stored.extension == extension and stored.size == len(data)
    assert stored.organisation == tree.unit_a and stored.uploaded_by == tree.unit_a_admin
    assert stored.original_name == f"张三的附件.{extension.upper()}"
    path = storage.path_of(stored.storage_key)
    assert path.read_bytes() == data
    assert path.is_relative_to(files_dir) and "张三" not in str(path) and extension not in path.name
    assert (stored.thumbnail_key is not None) == (extension in checks.IMAGE_EXTENSIONS)
    import hashlib

    assert stored.sha256 == hashlib.sha256(data).hexdigest()


def test_content_types_come_from_the_content_not_the_client(tree):
    stored = store(tree, "a.docx", sample_file("docx"))
    assert stored.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert store(tree, "a.txt", "中文".encode("gb18030")).content_type == "text/plain; charset=gb18030"
    assert store(tree, "b.txt", "中文".encode()).content_type == "text/plain; charset=utf-8"


def test_the_store_is_logged(tree):
    stored = store(tree, "建议.docx", sample_file("docx"))
    row = OperationLog.objects.get(action="file.store")
    assert row.object_id == str(stored.pk) and row.organisation == tree.unit_a and row.actor == tree.unit_a_admin
    assert row.after["extension"] == "docx" and row.after["sha256"] == stored.sha256
    assert "建议" not in row.object_repr and "建议" not in str(row.after)


# Refusals

def test_a_type_not_allowed(tree):
    error = refused(tree, "建议.pdf", sample_file("pdf"), allowed=["docx", ".JPG"])
    assert error.code == "file_type_not_allowed"
    assert str(error.message) == "“建议.pdf”是 .pdf 文件，此处只接受：.docx、.jpg。"
    error = refused(tree, "建议", b"text", allowed=["docx"])
    assert error.code == "file_type_not_allowed" and "没有扩展名" in str(error.message)


def test_an_allowed_type_the_module_cannot_check_is_a_programming_error(tree):
    with pytest.raises(ValueError, match="exe"):
        store(tree, "a.exe", b"MZ", allowed=["exe"])


def test_a_docx_that_is_a_plain_text_file(tree):
    error = refused(tree, "建议.docx", "这其实是文本".encode())
    assert error.code == "file_content_mismatch"
    assert str(error.message) == "“建议.docx”不是有效的Word 文档：文件内容与扩展名 .docx 不符。"
    assert error.detail == [{"field": "file", "message": str(error.message)}]


def test_a_docx_that_is_a_zip_without_word_parts(tree):
    assert refused(tree, "建议.docx", sample_file("zip")).code == "file_content_mismatch"
    # Right-looking parts, but the content types name a spreadsheet, not a Word document
    assert refused(tree, "建议.docx", sample_file("xlsx")).code == "file_content_mismatch"


def test_a_macro_enabled_document_renamed_docx(tree):
    data = sample_file("docx")
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"officedocument.wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    assert refused(tree, "建议.docx", sample_files.zipped(parts)).code == "file_content_mismatch"


@pytest.mark.parametrize("extension", ["docx", "pdf", "jpg", "png", "doc", "xls", "txt", "zip", "webp", "gif"])
def test_a_renamed_exe(tree, extension):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4
    assert refused(tree, f"setup.{extension}", exe).code == "file_content_mismatch"


@pytest.mark.parametrize("tolerant", [False, True])
def test_an_image_that_does_not_decode(tree, tolerant, monkeypatch):
    from PIL import ImageFile

    # WeasyPrint, imported for certificates, makes Pillow fill in truncated images; a cut file is still refused.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", tolerant)
    broken = sample_file("png")[:60]  # the header, then nothing
    assert refused(tree, "照片.png", broken).code == "file_content_mismatch"
    for ext in ("jpg", "gif", "webp"):
        whole = sample_file(ext)
        assert refused(tree, f"照片.{ext}", whole[: len(whole) * 2 // 3]).code == "file_content_mismatch"
    assert refused(tree, "照片.jpg", sample_file("png")).code == "file_content_mismatch"  # a PNG named .jpg


def test_an_over_size_file(tree, files_dir):
    error = refused(tree, "大文件.pdf", sample_files.PDF + b"0" * 2**20, max_mb=1)
    assert error.code == "file_too_large" and str(error.message) == "“大文件.pdf”超过 1 MB。"
    assert refused(tree, "空.txt", b"").code == "empty_file"
    assert files_on_disk(files_dir) == []


def test_a_size_the_upload_understates_is_caught_while_streaming(tree, files_dir):
    big = upload("大文件.pdf", sample_files.PDF + b"0" * (3 * 2**20))
    big.size = 10  # what a client may claim
    with pytest.raises(ValidationFailed) as caught:
        file_store(actor=tree.unit_a_admin, upload=big, allowed=["pdf"], max_mb=0.5, organisation=tree.unit_a)
    assert caught.value.code == "file_too_large" and "0.5 MB" in str(caught.value.message)
    assert files_on_disk(files_dir) == []


def png_claiming(width, height) -> bytes:
    """A PNG whose header claims this size, with one tiny compressed row: a decompression bomb's shape."""
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def test_a_pixel_bomb_png(tree, files_dir):
    error = refused(tree, "炸弹.png", png_claiming(100_000, 100_000))
    assert error.code == "file_unsafe" and "像素" in str(error.message)
    assert files_on_disk(files_dir) == []


def test_the_pixel_limit_is_a_setting(tree, settings):
    settings.SUZHI_FILES_MAX_PIXELS = 1000
    assert refused(tree, "照片.png", sample_files.image(size=(40, 30))).code == "file_unsafe"


@pytest.mark.parametrize("member", ["../../etc/cron.d/x", "/etc/passwd", "a/../../b", "C:\\Windows\\x", "..\\x"])
def test_a_zip_with_paths_leaving_it(tree, member):
    error = refused(tree, "资料.zip", sample_files.zipped({"ok.txt": "1", member: "2"}))
    assert error.code == "file_unsafe" and "资料.zip" in str(error.message)


def test_a_zip_that_is_not_one(tree):
    assert refused(tree, "资料.zip", b"PK\x03\x04 damaged").code == "file_content_mismatch"


def test_text_that_is_neither_utf8_nor_gb18030(tree):
    error = refused(tree, "说明.txt", b"ok\x00\x00binary")
    assert error.code == "file_content_mismatch" and "UTF-8" in str(error.message)
    assert refused(tree, "说明.txt", b"\xff\xfe\x81").code == "file_content_mismatch"


def test_a_name_in_a_message_loses_its_path_and_control_characters(tree):
    error = refused(tree, "C:\\用户\\张三\\报告\x1b[31m.docx", b"plain")
    assert str(error.message).startswith("“报告[31m.docx”")


# Images

def test_a_thumbnail_is_upright_small_and_without_exif(tree):
    rotated = sample_files.image("JPEG", size=(800, 400), exif={0x0112: 6, 0x013B: "张三"})  # 6: turn 90° right
    stored = store(tree, "现场.jpg", rotated)
    assert stored.thumbnail_key.endswith("-thumb.jpg")
    thumbnail = storage.path_of(stored.thumbnail_key)
    assert thumbnail.is_relative_to(storage.files_dir())
    with Image.open(thumbnail) as picture:
        assert picture.size == (160, 320)  # turned upright, then fitted into 320
        assert not picture.getexif()


def test_a_transparent_image_keeps_its_transparency_in_a_png_thumbnail(tree):
    stored = store(tree, "标志.png", sample_files.image("PNG", size=(640, 640), mode="RGBA"))
    assert stored.thumbnail_key.endswith("-thumb.png")
    with Image.open(storage.path_of(stored.thumbnail_key)) as picture:
        assert picture.size == (320, 320) and picture.mode == "RGBA"


# Transactions

def test_a_rolled_back_transaction_removes_the_file(tree, files_dir):
    with pytest.raises(RuntimeError), transaction.atomic():
        stored = store(tree, "现场.jpg", sample_file("jpg"))
        paths = [storage.path_of(stored.storage_key), storage.path_of(stored.thumbnail_key)]
        assert all(path.exists() for path in paths)
        raise RuntimeError("the caller's next step fails")
    assert not any(path.exists() for path in paths)
    assert files_on_disk(files_dir) == []


@pytest.mark.django_db(transaction=True)
def test_outermost_transactions_that_roll_back_or_commit(tree, files_dir):
    with pytest.raises(RuntimeError), transaction.atomic():
        store(tree, "现场.jpg", sample_file("jpg"))
        raise RuntimeError("the caller's next step fails")
    assert files_on_disk(files_dir) == []
    stored = store(tree, "现场.jpg", sample_file("jpg"))  # its own transaction, committed
    assert files_on_disk(files_dir) == sorted([storage.path_of(stored.storage_key),
                                               storage.path_of(stored.thumbnail_key)])


def test_a_committed_file_stays(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stored = store(tree, "建议.docx", sample_file("docx"))
    assert len(callbacks) == 1
    callbacks.clear()
    assert storage.path_of(stored.storage_key).exists()


def test_a_failure_inside_the_store_leaves_no_file(tree, files_dir, monkeypatch):
    from suzhi.core import oplog

    def failing_record(**kwargs):
        raise RuntimeError("the log is full")

    monkeypatch.setattr(oplog, "record", failing_record)
    with pytest.raises(RuntimeError):
        store(tree, "现场.png", sample_file("png"))
    assert files_on_disk(files_dir) == [] and not StoredFile.objects.exists()


def test_keys_from_elsewhere_are_refused():
    for key in ("../secret", "/etc/passwd", "ab/../../x", "ab/" + "0" * 32 + "/.."):
        with pytest.raises(ValueError):
            storage.path_of(key)


# Organisations

def test_an_organisation_with_files_cannot_be_deleted(tree, api_client):
    org = org_create(actor=tree.committee_admin, parent=tree.town_a, code="FILES", name="有附件的单位",
                     org_type_code="other")
    store(tree, "建议.docx", sample_file("docx"), org=org)
    assert org_usage.usage_of(org.pk) == [("上传文件", 1)]
    response = api_client(tree.committee_admin).delete(f"/api/v1/orgs/{org.pk}")
    assert response.status_code == 409
    assert response.json()["message"] == "该组织下仍有 1 个上传文件，无法删除。"
