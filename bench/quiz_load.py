"""Contest load against its baseline: (a) a trivial authenticated view (GET /api/v1/auth/ping), (b) saving an answer
(PUT /api/v1/contests/attempts/{id}/answers/{slot}), both served by gunicorn on loopback.

Sets up a fresh database (a SQLite file in a temporary directory, or DATABASE_URL, which should then name an empty
PostgreSQL database): an organisation tree, N people with participant logins, a campaign whose contest phase is
open today, a bank of 40 questions of every type and a published contest drawing a shuffled paper of 20 of them,
two attempts per person. Each participant gets a logged-in session and a CSRF token as the phone page has them
(session and CSRF cookies, X-CSRFToken header). gunicorn then serves the app with production settings (DEBUG off)
and the README's production worker (suzhi.config.workers.AnswersFirstWorker, 2 threads) on the same database, and
with REDIS_URL if set (the cache and the sessions). N client threads run in this process,
each with its own connection, released together:

1. capacity, flat out (no think time): every participant starts attempt 1; pings and answer saves alternate in
   rounds P S S P P S S P (a drift of the machine's other load evens out), as many of each as questions; then all
   submit. Saves per second over pings per second is the ratio: goal >= 0.5.
2. the contest: all N participants start attempt 2 at the same moment, answer each question after a think time
   (random 0.5-2 s, times --think) and submit. The save latency's p99: goal < 300 ms; the saves made while starts
   or submissions were being served are shown apart.
3. every answer the server acknowledged with 200 is in the database with that content (mapped from display
   positions to the question's own option order through the frozen paper, independently of the service): goal
   zero lost.

The clients share the machine's cores with the server and the database; their CPU time is printed.

    .venv/bin/python bench/quiz_load.py --participants 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/suzhi_bench .venv/bin/python bench/quiz_load.py
    DATABASE_URL=… REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/quiz_load.py --workers 9
"""

import os
import sys

# bench/collections.py (named after its issue's area) would shadow the standard library's `collections` for a
# script run from this folder, which Python puts first on the path: the folder goes to the end instead.
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    sys.path.append(sys.path.pop(0))

import argparse
import bisect
import datetime
import http.client
import json
import random
import secrets
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚文华红"
TOWNS, UNITS_PER_TOWN = 4, 5
# The bank (type: how many) and the paper drawn from it (type: how many, points each).
BANK = {"single": 15, "multiple": 8, "true_false": 8, "fill_in": 6, "short_answer": 3}
QUOTAS = [("single", 8, 2), ("multiple", 4, 3), ("true_false", 4, 1), ("fill_in", 3, 2), ("short_answer", 1, 5)]
# gunicorn worker classes; answers-first is the one the README's production command uses.
WORKER_CLASSES = {"sync": "sync", "gthread": "gthread", "answers-first": "suzhi.config.workers.AnswersFirstWorker"}
WORDS = ["安全第一", "预防为主", "综合治理", "以人为本", "三不伤害", "四不放过", "持证上岗", "隐患排查"]


def setup_django(tmp: Path, secret: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suzhi.config.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["SUZHI_DATA_DIR"] = str(tmp)
    # Sessions are signed with the key and hold a hash made with it: this process and the server share it.
    os.environ["SECRET_KEY"] = secret
    # The development settings without DEBUG, which would keep every query in memory.
    os.environ.setdefault("SUZHI_TESTING", "1")
    os.environ.setdefault("SUZHI_LOG_LEVEL", "WARNING")
    import django

    django.setup()


# Setup: tree, people, campaign, bank, contest, sessions.

def resident_id(serial: int) -> str:
    """A valid, unique ID number (GB 11643 check digit)."""
    from stdnum.cn import ric

    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=serial // 1000)
    body = f"620982{birth:%Y%m%d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def build_world(participants: int) -> tuple[Any, Any, list[Any]]:
    """The tree, the people with their logins, the contest; returns (admin, quiz, users)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from suzhi.core.models import DictItem, Organisation, Role, RoleAssignment, User
    from suzhi.people.category_keys import category_key
    from suzhi.people.models import Person, PersonCategory
    from suzhi.people.services.counts import person_counts_rebuild

    def kind(code: str) -> DictItem:
        return DictItem.objects.get(dict_type__code="org_type", code=code)

    committee = Organisation.objects.add_root(create_kwargs={
        "name": "基准市职工素质提升活动组委会", "code": "QB", "org_type": kind("committee")})
    units = []
    for t in range(TOWNS):
        committee.refresh_from_db()
        town = Organisation.objects.add_child(committee, create_kwargs={
            "name": f"第{t}镇工会联合会", "code": f"QB-{t}", "org_type": kind("town_federation")})
        for u in range(UNITS_PER_TOWN):
            town.refresh_from_db()
            units.append(Organisation.objects.add_child(town, create_kwargs={
                "name": f"第{t}镇企业{u}", "code": f"QB-{t}-{u}", "org_type": kind("enterprise")}))
    admin = User.objects.create_superuser(username="bench", password=secrets.token_urlsafe(16))

    rng = random.Random(2024)
    password = make_password(secrets.token_urlsafe(16))
    users = User.objects.bulk_create([
        User(username=f"q{i:05d}", full_name=f"参赛者{i}", password=password, organisation=units[i % len(units)])
        for i in range(participants)])
    role = Role.objects.get(code="participant")
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=role, organisation_id=u.organisation_id)
                                        for u in users])
    now = timezone.now()
    in_post = DictItem.objects.get(dict_type__code="person_category", code="in_post")
    people = Person.objects.bulk_create([
        Person(name=rng.choice(SURNAMES) + rng.choice(GIVEN), id_number=(number := resident_id(i)),
               id_last4=number[-4:], organisation_id=u.organisation_id, user=u, created_at=now, updated_at=now,
               category_key=category_key([in_post.pk]))
        for i, u in enumerate(users)])
    PersonCategory.objects.bulk_create([PersonCategory(person=p, dictitem=in_post) for p in people])
    # Loaded around the services: the counts of active people per organisation and category key, recounted.
    person_counts_rebuild(actor=None)
    quiz = build_contest(admin)
    return admin, quiz, users


def build_contest(admin: Any) -> Any:
    import yaml
    from django.utils import timezone

    from suzhi.campaigns.services.plans import plan_load
    from suzhi.quizzes.formats.base import ParsedOption, ParsedQuestion, QuestionType
    from suzhi.quizzes.services.contests import quiz_create, quiz_publish
    from suzhi.quizzes.services.questions import bank_create, question_save

    today = timezone.localdate()
    plan = {
        "code": "quiz-bench", "title": "基准市安全生产知识竞赛方案", "year": today.year, "organiser": "QB",
        "goals": "提升职工安全素质。",
        "phases": [{"key": "contest", "title": "竞赛阶段", "start": today - datetime.timedelta(days=1),
                    "end": today + datetime.timedelta(days=1)}],
        "activities": [{"key": "ankang", "kind": "quiz", "title": "“安康杯”安全生产知识竞赛",
                        "open_in": {"attempt": ["contest"]}}],
        "targets": [{"key": "people", "title": "参赛人数", "metric": "quiz.participants", "form": "total",
                     "threshold": 10, "deadline": "contest"}],
    }
    campaign = plan_load(actor=admin, text=yaml.safe_dump(plan, allow_unicode=True))
    bank = bank_create(actor=admin, organisation_id=campaign.organiser_id, name="安全生产题库")
    serial = 0
    for type_, count in BANK.items():
        for _i in range(count):
            serial += 1
            stem = f"第{serial}题:关于安全生产,下列说法正确的是(  )"
            q = ParsedQuestion(type=QuestionType(type_), stem=stem, explanation="依据《安全生产法》。")
            if type_ in ("single", "multiple"):
                right = {serial % 4} if type_ == "single" else {serial % 4, (serial + 1) % 4}
                q.options = [ParsedOption(text=f"选项{n}:{WORDS[(serial + n) % len(WORDS)]}",
                                          weight=1.0 / len(right) if n in right else 0.0) for n in range(4)]
            elif type_ == "true_false":
                q.answer_bool = serial % 2 == 0
            elif type_ == "fill_in":
                q.stem = f"第{serial}题:安全生产方针是____、____、综合治理。"
                q.accepted = [["安全第一"], ["预防为主"]]
            question_save(actor=admin, bank_id=bank.pk, question=q)
    rules = {"time_limit_minutes": 30, "attempts_per_person": 2, "show_results": "after_submit",
             "paper": {"mode": "random", "shuffle_questions": True, "shuffle_options": True,
                       "quotas": [{"type": t, "count": c, "points": p} for t, c, p in QUOTAS]}}
    activity = campaign.activities.get(key="ankang")
    quiz = quiz_create(actor=admin, activity_id=activity.pk, organisation_id=campaign.organiser_id,
                       title="安全生产知识竞赛", bank_id=bank.pk, rules=rules)
    return quiz_publish(actor=admin, quiz_id=quiz.pk, published=True)


def login_cookies(users: list[Any]) -> list[str]:
    """A session per participant as Client.force_login leaves it, and a CSRF cookie; the Cookie header value."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils.module_loading import import_string

    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    backend = settings.AUTHENTICATION_BACKENDS[0]
    cookies = []
    for user in users:
        session = store_class()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        csrf = _get_new_csrf_string()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}")
    return cookies


# The server.

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, worker_class: str, threads: int, tmp: Path, secret: str,
                 cookie: str) -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "0", "SUZHI_TESTING": "0", "SECRET_KEY": secret, "ALLOWED_HOSTS": "127.0.0.1",
           "SUZHI_HTTPS": "0", "SUZHI_DATA_DIR": str(tmp), "SUZHI_LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT / "src")}
    command = [str(Path(sys.executable).parent / "gunicorn"), "suzhi.config.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--worker-class", WORKER_CLASSES[worker_class], "--backlog", "2048",
               "--log-level", "warning", "--timeout", "120"]
    if worker_class != "sync":
        command += ["--threads", str(threads), "--keep-alive", "30"]
    (tmp / "static").mkdir(exist_ok=True)  # WhiteNoise warns about a missing STATIC_ROOT
    server = subprocess.Popen(command, env=env, cwd=tmp, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/auth/ping", headers={"Cookie": cookie})
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# The clients.

class Client:
    """One phone: a keep-alive connection (reopened when the server closes it) with the session's headers."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        csrf = cookie.rsplit("=", 1)[1]
        self.headers = {"Cookie": cookie, "X-CSRFToken": csrf, "Content-Type": "application/json",
                        "Accept": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, float]:
        data = json.dumps(body).encode() if body is not None else None
        for retry in (False, True):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                response = self.conn.getresponse()
                payload = response.read()
                if response.will_close:
                    self.conn.close()
                return response.status, payload, time.perf_counter() - started
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server closed between requests: once more on a new one.
                self.conn.close()
                if retry:
                    raise
        raise AssertionError("unreachable")


@dataclass
class Tally:
    """The requests of one kind: latency and start of each success, the failures by status and body, the span."""

    latencies: list[float] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    started: float = float("inf")
    ended: float = 0.0
    elapsed: float | None = None  # the sum of the rounds' times, for a merged tally
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latency: float, began: float, status: int, expected: int = 200, body: bytes = b"") -> bool:
        with self.lock:
            self.started = min(self.started, began)
            self.ended = max(self.ended, began + latency)
            if status == expected:
                self.latencies.append(latency)
                self.times.append(began)
                return True
            key = f"{status} {body[:120].decode(errors='replace')}"
            self.errors[key] = self.errors.get(key, 0) + 1
            return False

    @classmethod
    def merged(cls, rounds: list["Tally"]) -> "Tally":
        merged = cls(started=0.0, elapsed=sum(r.ended - r.started for r in rounds if r.count or r.errors))
        for r in rounds:
            merged.latencies += r.latencies
            merged.times += r.times
            for key, n in r.errors.items():
                merged.errors[key] = merged.errors.get(key, 0) + n
        merged.ended = merged.elapsed
        return merged

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / (self.ended - self.started) if self.count else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")

    def line(self, label: str, unit: str) -> str:
        text = (f"{label:<28}{self.count:7d} in {self.ended - self.started:6.2f} s = {self.rate:7.1f} {unit}/s, "
                f"p50 {self.percentile(50):6.1f} ms, p99 {self.percentile(99):7.1f} ms")
        if self.errors:  # the first few distinct answers, to tell a bug from an overload
            text += f", errors {sum(self.errors.values())}: {dict(list(self.errors.items())[:3])}"
        return text


def run_threads(count: int, target: Any) -> float:
    """Run target(i, barrier) on `count` threads released together; returns this process's CPU seconds (the
    clients' cost)."""
    barrier = threading.Barrier(count)
    threads = [threading.Thread(target=target, args=(i, barrier), daemon=True) for i in range(count)]
    cpu = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.process_time() - cpu


def split_by_bursts(saves: Tally, others: list[Tally]) -> tuple[Tally, Tally]:
    """The saves made while no start or submission was being served, and the others (the bursts of a contest:
    everyone starting at once, and the submissions at the end)."""
    spans = sorted((t, t + lat) for other in others for t, lat in zip(other.times, other.latencies, strict=True))
    merged: list[list[float]] = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([begin, end])
    starts = [m[0] for m in merged]
    quiet, busy = Tally(), Tally()
    for began, latency in zip(saves.times, saves.latencies, strict=True):
        k = bisect.bisect_right(starts, began + latency) - 1
        overlaps = k >= 0 and merged[k][1] >= began
        (busy if overlaps else quiet).add(latency, began, 200)
    return quiet, busy


def a_response(item: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A valid answer for a sheet item, in display positions as the page sends it."""
    type_ = item["type"]
    if type_ == "single":
        return {"choices": [rng.randrange(len(item["options"]))]}
    if type_ == "multiple":
        return {"choices": sorted(rng.sample(range(len(item["options"])), rng.randint(1, len(item["options"]))))}
    if type_ == "true_false":
        return {"value": rng.random() < 0.5}
    if type_ == "fill_in":
        return {"blanks": [rng.choice(WORDS) for _b in range(max(item["blanks"], 1))]}
    return {"text": "".join(rng.choice(WORDS) for _w in range(8))}


@dataclass
class Acks:
    """Every save the server acknowledged: (attempt id, slot) -> the last response sent (display positions)."""

    saved: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, attempt_id: int, slot: int, response: dict[str, Any]) -> None:
        with self.lock:
            self.saved[(attempt_id, slot)] = response
            self.count += 1


def save_some(client: Client, attempt: int, items: list[dict[str, Any]], rng: random.Random, think: float,
              saves: Tally, acks: Acks) -> None:
    """Answer the given questions in turn, each after a think time (none when think is 0)."""
    for item in items:
        if think > 0:
            time.sleep(think * rng.uniform(0.5, 2.0))
        response = a_response(item, rng)
        began = time.perf_counter()
        status, body, latency = client.call("PUT", f"/api/v1/contests/attempts/{attempt}/answers/{item['slot']}",
                                            {"response": response})
        if saves.add(latency, began, status, body=body):
            acks.add(attempt, item["slot"], response)


# Flat out, pings and saves alternate in rounds P S S P P S S P (a drift of the machine's other load evens out).
ROUNDS = "PSSPPSSP"


def capacity(clients: list[Client], quiz_id: int, acks: Acks) -> dict[str, list[Tally]]:
    """Flat out: every participant starts; then rounds of pings or saves (as many pings as questions in all),
    all threads waiting for one another between rounds; then every participant submits."""
    tallies: dict[str, list[Tally]] = {"start": [Tally()], "P": [], "S": [], "submit": [Tally()]}
    for kind in ROUNDS:
        tallies[kind].append(Tally())
    per_round = sum(c for _t, c, _p in QUOTAS) // ROUNDS.count("S")

    def work(i: int, barrier: threading.Barrier) -> None:
        rng = random.Random(i)
        client = clients[i]
        barrier.wait()
        began = time.perf_counter()
        status, body, latency = client.call("POST", f"/api/v1/contests/{quiz_id}/attempts")
        ok = tallies["start"][0].add(latency, began, status, expected=201, body=body)
        sheet = json.loads(body) if ok else {"attempt_id": 0, "items": []}
        seen = {"P": 0, "S": 0}
        for kind in ROUNDS:
            n = seen[kind]
            seen[kind] += 1
            barrier.wait()
            if kind == "S":
                save_some(client, sheet["attempt_id"], sheet["items"][n * per_round:(n + 1) * per_round], rng, 0,
                          tallies["S"][n], acks)
                continue
            for _n in range(per_round):
                began = time.perf_counter()
                status, body, latency = client.call("GET", "/api/v1/auth/ping")
                tallies["P"][n].add(latency, began, status, body=body)
        barrier.wait()
        if ok:
            began = time.perf_counter()
            status, body, latency = client.call("POST", f"/api/v1/contests/attempts/{sheet['attempt_id']}/submit")
            tallies["submit"][0].add(latency, began, status, body=body)

    run_threads(len(clients), work)
    return tallies


def contest(clients: list[Client], quiz_id: int, acks: Acks, think: float) -> dict[str, Tally]:
    """Every participant starts at the same moment, answers every question after a think time, and submits."""
    tallies = {name: Tally() for name in ("start", "save", "submit")}

    def work(i: int, barrier: threading.Barrier) -> None:
        rng = random.Random(100_003 + i)
        client = clients[i]
        barrier.wait()
        began = time.perf_counter()
        status, body, latency = client.call("POST", f"/api/v1/contests/{quiz_id}/attempts")
        if not tallies["start"].add(latency, began, status, expected=201, body=body):
            return
        sheet = json.loads(body)
        save_some(client, sheet["attempt_id"], sheet["items"], rng, think, tallies["save"], acks)
        began = time.perf_counter()
        status, body, latency = client.call("POST", f"/api/v1/contests/attempts/{sheet['attempt_id']}/submit")
        tallies["submit"].add(latency, began, status, body=body)

    run_threads(len(clients), work)
    return tallies


def stored_form(slot: dict[str, Any], shown: dict[str, Any]) -> dict[str, Any] | None:
    """What the database should hold for a response sent in display positions (written apart from the service
    on purpose: it checks it)."""
    if "choices" in shown:
        return {"choices": sorted({slot["order"][p] for p in shown["choices"]})} if shown["choices"] else None
    return shown


def lost_answers(acks: Acks) -> tuple[int, list[str]]:
    """The acknowledged answers missing from the database or stored with other content."""
    from suzhi.quizzes.models import Attempt, AttemptAnswer

    attempt_ids = {a for a, _s in acks.saved}
    papers = dict(Attempt.objects.filter(pk__in=attempt_ids).values_list("pk", "paper"))
    rows = {(a.attempt_id, a.slot): a for a in AttemptAnswer.objects.filter(attempt_id__in=attempt_ids)}
    lost, examples = 0, []
    for (attempt_id, slot), shown in acks.saved.items():
        row = rows.get((attempt_id, slot))
        expected = stored_form(papers[attempt_id][slot], shown)
        if row is None or row.saved_at is None or row.response != expected:
            lost += 1
            if len(examples) < 3:
                examples.append(f"attempt {attempt_id} slot {slot}: sent {shown}, expected {expected}, "
                                f"stored {row.response if row else None}")
    return lost, examples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--think", type=float, default=1.0, help="scales the think time of 0.5-2 s per question")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default="answers-first", choices=sorted(WORKER_CLASSES),
                        help="answers-first (production): gthread with threads of its own for answer saves")
    parser.add_argument("--threads", type=int, default=2, help="threads per threaded worker")
    args = parser.parse_args()
    secret = secrets.token_urlsafe(50)
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        setup_django(tmp, secret)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from suzhi.people.models import Person

        call_command("migrate", verbosity=0)
        if Person.objects.exists():
            raise SystemExit("DATABASE_URL should name an empty database")
        started = time.perf_counter()
        _admin, quiz, users = build_world(args.participants)
        cookies = login_cookies(users)
        print(f"database: {connection.vendor}; sessions: {settings.SESSION_ENGINE}; "
              f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[1]}; "
              f"{args.participants} participants, paper of {sum(c for _t, c, _p in QUOTAS)} questions; "
              f"set up in {time.perf_counter() - started:.1f} s")
        connection.close()

        port = free_port()
        server = start_server(port, args.workers, args.worker_class, args.threads, tmp, secret, cookies[0])
        try:
            print(f"gunicorn: {args.workers} {args.worker_class} workers"
                  + (f" x {args.threads} threads" if args.worker_class != "sync" else "")
                  + f" on 127.0.0.1:{port}"
                  + (" (a connection per request)" if args.worker_class == "sync" else "")
                  + f"; {args.participants} client threads in this process")
            clients = [Client(port, cookie) for cookie in cookies]
            for client in clients[:20]:
                client.call("GET", "/api/v1/auth/ping")  # every worker imports and connects before timing
            acks = Acks()
            clock, cpu = time.perf_counter(), time.process_time()
            flat = capacity(clients, quiz.pk, acks)
            flat_time, flat_cpu = time.perf_counter() - clock, time.process_time() - cpu
            clock, cpu = time.perf_counter(), time.process_time()
            real = contest(clients, quiz.pk, acks, args.think)
            real_time, real_cpu = time.perf_counter() - clock, time.process_time() - cpu
        finally:
            stop_server(server)

        lost, examples = lost_answers(acks)
        pings, saves = Tally.merged(flat["P"]), Tally.merged(flat["S"])
        ratio = saves.rate / pings.rate if pings.rate else 0.0
        print(f"1. capacity: {args.participants} clients flat out, pings and saves in rounds {ROUNDS}; the clients "
              f"used {flat_cpu:.1f} s CPU of {flat_time:.1f} s")
        print(flat["start"][0].line("   start attempt 1", "req"))
        print(pings.line("   (a) ping", "req"))
        print(saves.line("   (b) save answer", "req"))
        print(flat["submit"][0].line("   submit", "req"))
        print(f"2. contest: {args.participants} participants start together, think time "
              f"{0.5 * args.think:.2f}-{2 * args.think:.2f} s per question; the clients used {real_cpu:.1f} s CPU "
              f"of {real_time:.1f} s")
        for name, label in (("start", "start attempt 2"), ("save", "save answer"), ("submit", "submit")):
            print(real[name].line(f"   {label}", "req"))
        quiet, busy = split_by_bursts(real["save"], [real["start"], real["submit"]])
        for tally, label in ((quiet, "while no start or submit was served"), (busy, "while starts or submits were")):
            print(f"     {tally.count:5d} saves {label:<37} p50 {tally.percentile(50):6.1f} ms, "
                  f"p99 {tally.percentile(99):7.1f} ms")
        print(f"3. acknowledged saves {acks.count} (answers {len(acks.saved)}), lost {lost}")
        for line in examples:
            print(f"   {line}")
        failed = sum(sum(t.errors.values()) for t in [*(t for ts in flat.values() for t in ts), *real.values()])
        p99 = real["save"].percentile(99)
        checks = [
            (ratio >= 0.5, f"b/a = {saves.rate:.1f} / {pings.rate:.1f} = {ratio:.2f} (goal >= 0.5)"),
            (p99 < 300, f"save p99 = {p99:.1f} ms at {args.participants} participants (goal < 300 ms)"),
            (lost == 0 and acks.count > 0, f"lost answers = {lost} of {len(acks.saved)} acknowledged (goal 0)"),
            (failed == 0, f"failed requests = {failed} (goal 0)"),
        ]
        for ok, text in checks:
            print(f"{'PASS' if ok else 'FAIL'} {text}")


if __name__ == "__main__":
    main()
