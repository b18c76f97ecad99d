"""Judges reach the attachments of the submissions they judge: an assigned judge and the organisers of the
judging download them (without author metadata and under the blind label in a blind review), nobody else."""

import io
import zipfile

import pytest
from django.urls import reverse

from suzhi.collections.services import submissions as services
from suzhi.judging.models import Assignment, Entry
from suzhi.judging.services.assignments import assignment_auto
from tests.collections.factories import FORM, VALUES, collection_campaign, review
from tests.core import sample_files
from tests.judging.factories import judging_block, make_judge, set_panel, units
from tests.support import make_participant, upload

pytestmark = pytest.mark.django_db

FILES = {"key": "files", "type": "attachment", "label": "相关材料", "max_files": 2, "max_size_mb": 1,
         "extensions": ["pdf", "docx"]}


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.SUZHI_FILES_DIR = tmp_path / "files"


def _judged(tree, *, blind):
    activity = collection_campaign(tree, form={"fields": [*FORM["fields"], FILES]},
                                   judging=judging_block(blind=blind, judges_per_entry=1))
    _person, user = make_participant(tree, "王五", tree.unit_a)
    item = services.submission_save(actor=user, activity_id=activity.pk, title="空压机节能改造", values=dict(VALUES),
                                    files={"files": [upload("王五的方案.docx", sample_files.docx(author="王五"))]})
    item = services.submission_submit(actor=user, submission_id=item.pk)
    for admin in (tree.unit_a_admin, tree.town_a_admin, tree.committee_admin):
        item = review(admin, item, "recommend")
    judges = [make_judge(org) for org in units(tree.town_b, 2)]
    set_panel(activity, judges, actor=tree.committee_admin)
    assignment_auto(actor=tree.committee_admin, activity_id=activity.pk)
    entry = Entry.objects.get(activity=activity)
    assigned = Assignment.objects.get(entry=entry)
    other = next(j for j in judges if j.pk != assigned.judge_id)
    url = reverse("collections:judged_attachment", args=[activity.pk, entry.source, item.values["files"][0]["ref"]])
    return entry, assigned, other, url


def _core_xml(body):
    return zipfile.ZipFile(io.BytesIO(body)).read("docProps/core.xml").decode()


def test_an_assigned_judge_downloads_a_blind_copy_under_the_blind_label(tree, login_client):
    entry, assigned, _other, url = _judged(tree, blind=True)
    response = login_client(assigned.judge).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    core = _core_xml(body)
    assert "王五" not in core and "creator" not in core
    disposition = response["Content-Disposition"]
    assert "%E7%8E%8B%E4%BA%94" not in disposition  # 王五
    assert f"{entry.blind_label}-%E9%99%84%E4%BB%B61.docx" in disposition  # <label>-附件1.docx


def test_the_judges_sheet_links_to_the_file(tree, login_client):
    entry, assigned, _other, url = _judged(tree, blind=True)
    page = login_client(assigned.judge).get(reverse("judging:sheet", args=[assigned.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and url in html
    assert f"{entry.blind_label}-1.docx" in html and "王五的方案" not in html


def test_only_the_assigned_judge_and_the_organisers_get_the_file(tree, login_client):
    _entry, _assigned, other, url = _judged(tree, blind=True)
    assert login_client(other).get(url).status_code == 404
    assert login_client(tree.town_b_admin).get(url).status_code == 404
    assert login_client(tree.town_a_admin).get(url).status_code == 404
    assert login_client(tree.committee_admin).get(url).status_code == 200
    assert login_client(tree.committee_admin).get(url.replace("/files/", "/files/9").rstrip("/") + "/") \
        .status_code == 404


def test_without_blind_review_the_file_keeps_its_metadata_and_a_name_without_personal_data(tree, login_client):
    _entry, assigned, _other, url = _judged(tree, blind=False)
    response = login_client(assigned.judge).get(url)
    assert response.status_code == 200
    assert "王五" in _core_xml(b"".join(response.streaming_content))
    assert "%E7%8E%8B%E4%BA%94" not in response["Content-Disposition"]
