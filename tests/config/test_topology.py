"""The README's scale-out, run: two gunicorn app servers and an RQ worker (`SUZHI_TASKS=rq`) on one PostgreSQL
database and one Redis. Participants of one contest log in on one server and take the contest on the other; the
worker stores the ranks and targets and writes an export. A worker killed in the middle of a recomputation leaves
it to be done: the next worker to start queues it again (suzhi.core.tasks.refresh_sweep).

PostgreSQL and Redis only (skipped on SQLite or without Redis); `make test-pg`, which .ci/run calls, runs it. It
uses the Redis database of SUZHI_TEST_REDIS_URL (default redis://127.0.0.1:6379/4), which it empties."""

import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from suzhi.campaigns.models import TargetValue
from suzhi.core.models import ExportJob, PendingRefresh
from suzhi.quizzes.models import Attempt, QuizResult
from tests.core.factories import DEFAULT_PASSWORD
from tests.quizzes.factories import fixed_rules, make_bank, make_quiz, quiz_campaign, single
from tests.support import make_participant

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("SUZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
DEADLINE = 120  # seconds for anything the processes do; generous, a busy 2-core machine runs the whole suite
PARTICIPANTS = 6

# The servers and the worker must see the rows: real commits.
pytestmark = [pytest.mark.topology, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_and_redis():
    if connection.vendor != "postgresql":
        pytest.skip("the production topology runs on PostgreSQL")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    user = urllib.parse.quote(s["USER"] or "")
    password = f":{urllib.parse.quote(s['PASSWORD'])}" if s["PASSWORD"] else ""
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def wait_for(what: str, check: Callable[[], Any], timeout: float = DEADLINE) -> Any:
    """Poll `check()` until it returns something true; fail after `timeout` seconds."""
    end = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > end:
            pytest.fail(f"not within {timeout} s: {what}")
        time.sleep(0.2)


class Topology:
    def __init__(self, tmp: Path) -> None:
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith(("SUZHI", "DJANGO"))},
                    "DATABASE_URL": _database_url(), "REDIS_URL": REDIS_URL, "SUZHI_TASKS": "rq",
                    "DJANGO_SETTINGS_MODULE": "tests.config.topology_settings", "SUZHI_TESTING": "0", "DEBUG": "0",
                    "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1", "SUZHI_HTTPS": "0",
                    "SUZHI_DATA_DIR": str(tmp), "SUZHI_LOG_LEVEL": "WARNING", "SUZHI_REFRESH_MIN_SECONDS": "0",
                    "SUZHI_REFRESH_RETRY_SECONDS": "1", "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}"}
        self.tmp = tmp
        self.processes: list[subprocess.Popen] = []
        self.ports: list[int] = []

    def _start(self, command: list[str], name: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the process's life
        process = subprocess.Popen(command, env=self.env, cwd=self.tmp, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        self.processes.append(process)
        return process

    def server(self) -> int:
        port = _free_port()
        self._start([str(Path(sys.executable).parent / "gunicorn"), "suzhi.config.wsgi", "--bind", f"127.0.0.1:{port}",
                     "--workers", "1", "--worker-class", "suzhi.config.workers.AnswersFirstWorker", "--threads", "2",
                     "--timeout", "120", "--log-level", "warning"], f"server-{port}")
        process = self.processes[-1]
        wait_for(f"the server on port {port} answers",
                 lambda: self._answers(port) or process.poll() is not None and pytest.fail(self.log()))
        self.ports.append(port)
        return port

    @staticmethod
    def _answers(port: int) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login/")
            return conn.getresponse().status == 200
        except OSError:
            return False

    def worker(self) -> subprocess.Popen:
        """The README's worker command."""
        return self._start([sys.executable, "-m", "suzhi", "rqworker", "default", "--job-class",
                            "django_tasks_rq.Job"], f"worker-{len(self.processes)}")

    def log(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.tmp.glob("*.log"))

    @staticmethod
    def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        """The process and everything it started (an RQ worker's job runs in a child of its own)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process, signal.SIGTERM)


@pytest.fixture
def topology(tmp_path) -> Iterator[Topology]:
    import redis

    queue = redis.Redis.from_url(REDIS_URL)
    queue.flushdb()
    world = Topology(tmp_path)
    try:
        yield world
    finally:
        world.stop()
        queue.flushdb()
        # The servers' connections are gone with them; the test database is emptied after this.
        connection.close()


class Browser:
    """One person's cookies against one server at a time: logs in with the form, calls the API with the session
    and the CSRF token, as the phone page does."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, body: Any = None, form: dict | None = None) -> Any:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        if method != "GET" and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value.strip()
        content = response.read()
        conn.close()
        return response.status, content

    def login(self, port: int, username: str) -> None:
        status, page = self.request(port, "GET", "/login/")
        assert status == 200
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, _page = self.request(port, "POST", "/login/", form={
            "login": username, "password": DEFAULT_PASSWORD, "csrfmiddlewaretoken": token})
        assert status == 302 and "sessionid" in self.cookies, _page[:500]

    def api(self, port: int, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        status, content = self.request(port, method, f"/api/v1{path}", body=body)
        assert status == expect, content[:500]
        return json.loads(content) if content else None


def take_contest(browser: Browser, port: int, quiz_id: int, choice: int) -> None:
    attempt = browser.api(port, "POST", f"/contests/{quiz_id}/attempts", expect=201)["attempt_id"]
    browser.api(port, "PUT", f"/contests/attempts/{attempt}/answers/0", {"response": {"choices": [choice]}})
    assert browser.api(port, "POST", f"/contests/attempts/{attempt}/submit")["state"] == "finished"


def people_counted(campaign) -> float:
    value = TargetValue.objects.filter(target__campaign=campaign, target__key="people",
                                       organisation_id=campaign.organiser_id).first()
    return value.value if value else 0


def test_two_app_servers_and_an_rq_worker_run_a_contest(tree, topology):
    campaign = quiz_campaign(tree)
    bank, ids = make_bank(tree, [single("单选一", right=1)])
    quiz = make_quiz(tree, campaign, bank, fixed_rules(ids))
    people = [make_participant(tree, f"参赛{i}", org=(tree.unit_a, tree.unit_b)[i % 2])[1] for i in range(PARTICIPANTS)]
    try:
        _run(tree, topology, campaign, quiz, people)
    except BaseException:
        print(topology.log())
        raise


def _run(tree, topology, campaign, quiz, people) -> None:
    ports = [topology.server(), topology.server()]
    worker = topology.worker()

    # Each participant logs in on one server and takes the contest on the other: the session is shared.
    browsers = []
    for i, user in enumerate(people):
        browser = Browser()
        browser.login(ports[i % 2], user.username)
        browsers.append(browser)
    for i, browser in enumerate(browsers[:-1]):
        take_contest(browser, ports[(i + 1) % 2], quiz.pk, choice=i % 2)
    taken = PARTICIPANTS - 1
    wait_for("the worker stored every rank", lambda: QuizResult.objects.filter(quiz=quiz).count() == taken
             and not QuizResult.objects.filter(quiz=quiz, rank__isnull=True).exists())
    wait_for("the worker stored the participation target", lambda: people_counted(campaign) == taken)
    wait_for("nothing is left asked for", lambda: not PendingRefresh.objects.exists())

    # An export of the roster, written by the worker (every export is a background job in these settings).
    admin = Browser()
    admin.login(ports[0], tree.committee_admin.username)
    job = admin.api(ports[1], "POST", "/people/exports/", {}, expect=201)
    assert job["status"] == "queued"
    done = wait_for("the worker wrote the export",
                    lambda: (row := admin.api(ports[0], "GET", f"/people/exports/{job['id']}"))["status"] == "done"
                    and row)
    assert done["total"] >= PARTICIPANTS
    status, content = admin.request(ports[1], "GET", done["file_url"])
    assert status == 200 and content[:2] == b"PK"  # an .xlsx
    assert ExportJob.objects.get(pk=job["id"]).file

    # The worker is killed while it recomputes the ranks: the refresh is held on the contest's row, which a
    # connection of this test locks as another refresh would.
    import psycopg

    with psycopg.connect(_database_url().replace("postgres://", "postgresql://", 1)) as holder:
        holder.execute("SELECT id FROM quizzes_quiz WHERE id = %s FOR NO KEY UPDATE", [quiz.pk])
        take_contest(browsers[-1], ports[0], quiz.pk, choice=1)
        wait_for("the worker's refresh waits for the contest's row", _refresh_waiting)
        topology.kill(worker)
        holder.rollback()
    last = QuizResult.objects.get(quiz=quiz, attempt__user=people[-1])
    assert last.rank is None  # the killed run stored nothing
    assert PendingRefresh.objects.filter(object_id=quiz.pk, name="quiz-results").exists()

    topology.worker()
    wait_for("a new worker did the killed refresh", lambda: QuizResult.objects.get(pk=last.pk).rank is not None)
    wait_for("the participation target counts the last participant",
             lambda: people_counted(campaign) == PARTICIPANTS)
    wait_for("nothing is left asked for", lambda: not PendingRefresh.objects.exists())
    assert Attempt.objects.filter(quiz=quiz, state=Attempt.State.FINISHED).count() == PARTICIPANTS


def _refresh_waiting() -> bool:
    """Some session of the test database waits for a lock: the only one held is the contest's row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0] > 0
