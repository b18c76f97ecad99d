"""Production settings pass Django's deployment checklist; the development key is refused there."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

SUZHI = str(Path(sys.executable).with_name("suzhi"))


def run(env_extra, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "SUZHI", "DATABASE_URL", "DEBUG"))}
    env.update({"SUZHI_TESTING": "0", "DATABASE_URL": "sqlite:////tmp/suzhi-deploy-check.sqlite3", **env_extra})
    return subprocess.run([SUZHI, *args], env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing():
    result = run(
        {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "suzhi.example.org"},
        "check", "--deploy", "--fail-level", "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    result = run({"DEBUG": "0", "ALLOWED_HOSTS": "suzhi.example.org"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert ("en", "English") in settings.LANGUAGES
    assert settings.DATABASES["default"]["ENGINE"] in (
        "django.db.backends.sqlite3", "django.db.backends.postgresql"
    )


def test_sqlite_runs_in_wal_mode_with_busy_timeout(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); c.execute('PRAGMA busy_timeout');"
        "print(c.fetchone()[0])"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUZHI", "DATABASE_URL"))}
    env.update({"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}",
                "DJANGO_SETTINGS_MODULE": "suzhi.config.settings"})
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    mode, timeout = result.stdout.split()
    assert mode == "wal" and int(timeout) >= 5000
