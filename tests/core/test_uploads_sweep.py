"""Staged import uploads that were previewed and never confirmed do not stay on the server: every kind is swept
once older than SUZHI_STAGED_UPLOAD_MAX_AGE, whenever any upload is staged and by `suzhi sweep_uploads`."""

import io
import os
import time

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.management import call_command
from django.test import RequestFactory

from suzhi.core.uploads import StagedUpload, staged_uploads_sweep


@pytest.fixture
def imports(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    directory = tmp_path / "imports"
    directory.mkdir()
    return directory


def staged(directory, name, *, hours_old):
    path = directory / name
    path.write_bytes(b"x")
    moment = time.time() - hours_old * 3600
    os.utime(path, (moment, moment))
    return path


def test_staging_one_kind_sweeps_the_old_uploads_of_every_kind(imports):
    old = [staged(imports, "people-0a1b.upload", hours_old=25), staged(imports, "orgs-2c3d-errors.xlsx", hours_old=30),
           staged(imports, "training-enrol-4e5f.upload", hours_old=48)]
    fresh = staged(imports, "people-6a7b.upload", hours_old=23)
    request = RequestFactory().post("/")
    request.session = SessionStore()
    uploads = StagedUpload("quizzes")
    uploads.store(request, b"new file", "题库.xlsx")
    assert [p for p in old if p.exists()] == []
    assert fresh.exists()
    assert uploads.get(request)[:2] == (b"new file", "题库.xlsx")


def test_the_age_is_a_setting_and_the_command_sweeps(imports, settings):
    settings.SUZHI_STAGED_UPLOAD_MAX_AGE = 3600
    two_hours = staged(imports, "orgs-8c9d.upload", hours_old=2)
    recent = staged(imports, "orgs-0e1f.upload", hours_old=0.5)
    assert staged_uploads_sweep() == 1
    assert not two_hours.exists() and recent.exists()
    settings.SUZHI_STAGED_UPLOAD_MAX_AGE = 600
    out = io.StringIO()
    call_command("sweep_uploads", stdout=out)
    assert not recent.exists() and out.getvalue().startswith("1 ")


def test_no_directory_yet(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    assert staged_uploads_sweep() == 0
