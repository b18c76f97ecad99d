"""Attachments of submissions: stored with the shared file store on the pages and through the API, refused with
the store's Chinese message, kept on an edit without a new file, served only to those who may see the submission
and only by a ref the submission holds, under a name without personal data, and gone when the save rolls back."""

import pytest
from django.urls import reverse

from suzhi.collections.models import Submission
from suzhi.collections.services import submissions as services
from suzhi.core.errors import ValidationFailed
from suzhi.core.models import StoredFile
from tests.collections.factories import FORM, VALUES, collection_campaign
from tests.core.sample_files import sample_file
from tests.support import upload

pytestmark = pytest.mark.django_db

API = "/api/v1/collections"
FILES = {"key": "files", "type": "attachment", "label": "相关材料", "max_files": 2, "max_size_mb": 0.02,
         "extensions": ["pdf", "docx", "png"]}
PLAIN_DOCX = "这不是Word文件".encode()


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.SUZHI_FILES_DIR = tmp_path / "files"
    return settings.SUZHI_FILES_DIR


@pytest.fixture
def activity(tree):
    return collection_campaign(tree, form={"fields": [*FORM["fields"], FILES]})


def on_disk(directory):
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


def _new(client, activity, **data):
    return client.post(reverse("collections:new", args=[activity.pk]), {"title": "带附件的建议", **VALUES, **data})


def _file_url(submission_id, ref):
    return reverse("collections:attachment", args=[submission_id, ref])


def test_the_page_stores_the_files_and_an_edit_without_a_new_file_keeps_them(tree, activity, worker, login_client,
                                                                               files_dir):
    _person, user = worker
    client = login_client(user)
    posted = _new(client, activity, files=[upload("王五的方案.pdf", sample_file("pdf")),
                                           upload("现场照片.png", sample_file("png"))])
    assert posted.status_code == 302, posted.content.decode()
    item = Submission.objects.get(title="带附件的建议")
    pdf, png = item.values["files"]
    assert (pdf["name"], pdf["size"]) == ("王五的方案.pdf", len(sample_file("pdf")))
    stored = StoredFile.objects.get(pk=pdf["ref"])
    assert stored.organisation == tree.unit_a and stored.uploaded_by == user and stored.extension == "pdf"
    assert len(on_disk(files_dir)) == 3  # two files and the image's thumbnail
    page = client.get(reverse("collections:detail", args=[item.pk])).content.decode()
    assert _file_url(item.pk, pdf["ref"]) in page and f'{_file_url(item.pk, png["ref"])}?thumbnail=1' in page
    thumbnail = client.get(_file_url(item.pk, png["ref"]), {"thumbnail": "1"})
    assert thumbnail.status_code == 200 and thumbnail["Content-Disposition"].startswith("inline")
    # An edit that sends no new file keeps the stored ones.
    edited = client.post(reverse("collections:edit", args=[item.pk]), {"title": "改过的建议", **VALUES})
    assert edited.status_code == 302
    item.refresh_from_db()
    assert item.title == "改过的建议" and item.values["files"] == [pdf, png]
    # A new file replaces them.
    replaced = client.post(reverse("collections:edit", args=[item.pk]), {
        "title": "再改", **VALUES, "files": upload("新.pdf", sample_file("pdf"))})
    assert replaced.status_code == 302
    item.refresh_from_db()
    assert [entry["name"] for entry in item.values["files"]] == ["新.pdf"]
    assert item.values["files"][0]["ref"] not in (pdf["ref"], png["ref"])


def test_the_download_is_named_without_personal_data(tree, activity, worker, login_client):
    _person, user = worker
    client = login_client(user)
    _new(client, activity, files=upload("王五-合理化建议.pdf", sample_file("pdf")))
    item = Submission.objects.get(title="带附件的建议")
    response = client.get(_file_url(item.pk, item.values["files"][0]["ref"]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == sample_file("pdf")
    disposition = response["Content-Disposition"]
    assert "王五" not in disposition and "%E7%8E%8B%E4%BA%94" not in disposition
    from urllib.parse import quote

    assert quote(f"合理化建议-{item.pk}-附件1.pdf") in disposition


def test_a_docx_that_is_plain_text_is_refused_on_the_page_with_the_chinese_message(tree, activity, worker,
                                                                                      login_client, files_dir):
    _person, user = worker
    refused = _new(login_client(user), activity, files=upload("建议.docx", PLAIN_DOCX))
    assert refused.status_code == 200
    assert "“建议.docx”不是有效的Word 文档：文件内容与扩展名 .docx 不符。" in refused.content.decode()
    assert not Submission.objects.exists() and not StoredFile.objects.exists() and on_disk(files_dir) == []


def test_the_api_stores_a_file_on_a_draft_and_refuses_bad_ones(tree, activity, worker, api_client):
    _person, user = worker
    me = api_client(user)
    created = me.post(f"{API}/submissions", {"activity": activity.pk, "title": "接口建议", "values": VALUES},
                      content_type="application/json").json()
    url = f"{API}/submissions/{created['id']}/files"
    added = me.post(url, {"key": "files", "file": upload("方案.pdf", sample_file("pdf"))})
    assert added.status_code == 200, added.content
    [entry] = added.json()
    assert entry["name"] == "方案.pdf" and StoredFile.objects.filter(pk=entry["ref"]).exists()
    plain = me.post(url, {"key": "files", "file": upload("建议.docx", PLAIN_DOCX)})
    assert plain.status_code == 422
    assert plain.json()["message"] == "“建议.docx”不是有效的Word 文档：文件内容与扩展名 .docx 不符。"
    big = me.post(url, {"key": "files", "file": upload("大.docx", sample_file("docx") + bytes(30_000))})
    assert big.status_code == 422 and big.json()["code"] == "file_too_large" and "大.docx" in big.json()["message"]
    assert me.post(url, {"key": "problem", "file": upload("方案.pdf", sample_file("pdf"))}).status_code == 422
    assert me.post(url, {"key": "files"}).json()["message"] == "请选择要上传的文件。"
    other = api_client(tree.town_b_admin).post(url, {"key": "files", "file": upload("方案.pdf", sample_file("pdf"))})
    assert other.status_code == 404
    me = api_client(user)
    # An edit echoing the values keeps the file; the API download serves it; submitting works.
    values = {**VALUES, "files": [entry]}
    kept = me.put(f"{API}/submissions/{created['id']}", {"title": "接口建议", "values": values},
                  content_type="application/json")
    assert kept.status_code == 200 and kept.json()["values"]["files"] == [entry]
    download = me.get(f"{url}/{entry['ref']}")
    assert download.status_code == 200 and f"-{created['id']}-" in download["Content-Disposition"]
    assert me.post(f"{API}/submissions/{created['id']}/submit").json()["state"] == "submitted"
    # Once reviewed, no more files.
    from tests.collections.factories import review

    review(tree.unit_a_admin, Submission.objects.get(pk=created["id"]), "recommend")
    me = api_client(user)
    late = me.post(url, {"key": "files", "file": upload("方案.pdf", sample_file("pdf"))})
    assert late.status_code == 409 and late.json()["code"] == "submission_state"


def test_an_oversize_file_is_refused_on_the_page(tree, activity, worker, login_client, files_dir):
    _person, user = worker
    refused = _new(login_client(user), activity, files=upload("大.pdf", sample_file("pdf") + bytes(30_000)))
    assert refused.status_code == 200 and "“大.pdf”超过 0.02 MB。" in refused.content.decode()
    assert not Submission.objects.exists() and on_disk(files_dir) == []


def _with_file(activity, user, title="建议"):
    return services.submission_save(actor=user, activity_id=activity.pk, title=title, values=dict(VALUES),
                                    files={"files": [upload("方案.pdf", sample_file("pdf"))]})


def test_only_those_who_may_see_the_submission_download_and_only_its_own_refs(tree, activity, worker,
                                                                              login_client, api_client):
    _person, user = worker
    item = _with_file(activity, user)
    ref = item.values["files"][0]["ref"]
    services.submission_submit(actor=user, submission_id=item.pk)
    assert login_client(tree.town_a_admin).get(_file_url(item.pk, ref)).status_code == 200
    assert login_client(tree.town_b_admin).get(_file_url(item.pk, ref)).status_code == 404
    assert api_client(tree.town_b_admin).get(f"{API}/submissions/{item.pk}/files/{ref}").status_code == 404
    # A ref of another submission is not served through this one, nor can an edit adopt it.
    other = _with_file(activity, user, "另一条")
    other_ref = other.values["files"][0]["ref"]
    client = login_client(user)
    assert client.get(_file_url(item.pk, other_ref)).status_code == 404
    assert client.get(_file_url(item.pk, "999999")).status_code == 404
    with pytest.raises(ValidationFailed) as caught:
        services.submission_edit(actor=user, submission_id=item.pk, title="建议", values={
            **VALUES, "files": [{"name": "x.pdf", "size": 1, "ref": other_ref}]})
    assert caught.value.code == "attachment_unknown"


def test_the_files_go_away_when_the_save_fails(tree, activity, worker, files_dir, monkeypatch):
    _person, user = worker
    with pytest.raises(ValidationFailed):  # the first file is stored, the second refused: nothing is kept
        services.submission_save(actor=user, activity_id=activity.pk, title="建议", values=dict(VALUES),
                                 files={"files": [upload("方案.pdf", sample_file("pdf")),
                                                  upload("建议.docx", PLAIN_DOCX)]})
    assert not Submission.objects.exists() and not StoredFile.objects.exists() and on_disk(files_dir) == []

    def failing_step(**kwargs):
        raise RuntimeError("the save fails after the files are stored")

    monkeypatch.setattr(services, "step", failing_step)
    with pytest.raises(RuntimeError):
        _with_file(activity, user)
    assert not Submission.objects.exists() and not StoredFile.objects.exists() and on_disk(files_dir) == []
