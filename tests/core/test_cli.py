"""The `suzhi` command as the README shows it in a checkout: no SECRET_KEY needed for commands, and a command run
before migrating says what to run first instead of a traceback."""

import os
import subprocess
import sys
from pathlib import Path

from suzhi.config.settings import PROJECT_DIR, source_checkout

SUZHI = str(Path(sys.executable).with_name("suzhi"))
PLAN = str(PROJECT_DIR / "plans" / "dunhuang-2024.yaml")


def run(tmp_path, *args, **env_extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO", "SUZHI", "DATABASE_URL", "DEBUG", "SECRET_KEY"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", **env_extra})
    return subprocess.run([SUZHI, *args], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)


def test_plan_validate_runs_in_a_checkout_without_secret_key_or_database(tmp_path):
    result = run(tmp_path, "plan", "validate", PLAN)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("dunhuang-2024.yaml: OK")
    assert "SECRET_KEY" in result.stderr and "开发密钥" in result.stderr  # said plainly
    assert "数据库尚未初始化" in result.stderr and "Traceback" not in result.stderr


def test_a_command_before_migrating_says_what_to_run(tmp_path):
    result = run(tmp_path, "plan", "render", "dunhuang-2024", DEBUG="1")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "数据库尚未初始化：请先运行 `suzhi migrate`（或 make demo）" in result.stderr
    assert "run `suzhi migrate`" in result.stderr


def test_debug_off_still_needs_the_key(tmp_path):
    result = run(tmp_path, "plan", "validate", PLAN, DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_a_server_refuses_the_checkout_key(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO", "SUZHI", "DATABASE_URL", "DEBUG", "SECRET_KEY"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    result = subprocess.run([sys.executable, "-c", "import suzhi.config.wsgi"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_only_a_source_checkout_counts(tmp_path):
    assert source_checkout(PROJECT_DIR)
    installed = tmp_path / "lib"
    (installed / "src" / "suzhi").mkdir(parents=True)
    assert not source_checkout(installed)  # no pyproject.toml, no .git: an installed package
    (installed / "pyproject.toml").write_text("[project]\n")
    assert not source_checkout(installed)
    (installed / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git is a file
    assert source_checkout(installed)
