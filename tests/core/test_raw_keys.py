"""No raw keys on the pages: with the demo's data, in Chinese, the main pages an administrator and a participant
reach show no code (quiz.attempt_start, quizzes.attempt, finished_by) where a label belongs; every message of the
Chinese translation is translated; the operation log's page, API and export show labels; and a favicon is served."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.urls import Resolver404, resolve

from suzhi.core import oplog_actions, permissions
from suzhi.core.models import OperationLog

pytestmark = pytest.mark.django_db

PO_FILE = Path(__file__).resolve().parents[2] / "src" / "suzhi" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SKIP = re.compile(r"\.(xlsx|pdf|yaml|csv|docx|ico|svg|png|json)$|/logout/|/i18n/|/api/|/document\.")
PAGES_PER_ROUTE = 2


class _Text(HTMLParser):
    """The text a reader sees, and the links. Not scripts, styles, attributes other than placeholders, nor what
    the page marks as a code (`<code>`, beside its label, as the role form shows permission codes; a text box of
    code the user writes, such as YAML, marked `data-code`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.hiding: list[str] = []  # the open elements whose text is not shown as words

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style", "template", "code") or (tag == "textarea" and "data-code" in a):
            self.hiding.append(tag)
        if a.get("placeholder"):
            self.parts.append(a["placeholder"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self.hiding and self.hiding[-1] == tag:
            self.hiding.pop()

    def handle_data(self, data: str) -> None:
        if not self.hiding:
            self.parts.append(data)


def _raw_keys() -> set[str]:
    """Codes that must never be shown as they are: log actions, permission codes, model labels, and the keys
    and model fields the log stores (those with an underscore: a plain word may be a name or a code a user typed)."""
    keys = set(oplog_actions._LABELS) | {code for _group, items in permissions.grouped() for code in
                                         (item.code for item in items)}
    for model in apps.get_models():
        if model.__module__.startswith("suzhi"):
            keys.add(model._meta.label_lower)
            keys.update(f.name for f in model._meta.get_fields() if "_" in f.name)
    for before, after in OperationLog.objects.values_list("before", "after"):
        keys.update(str(k) for side in (before, after) if isinstance(side, dict) for k in side if "_" in str(k))
    return keys


def _crawl(client, start: list[str]) -> dict[str, str]:
    """Visible text of the pages reachable in two steps from `start`, a few per route."""
    seen: dict[str, str] = {}
    per_route: dict[str, int] = {}
    queue = [(url, 0) for url in start]
    while queue:
        url, depth = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        try:
            route = resolve(url).route
        except Resolver404:
            continue
        if depth and per_route.get(route, 0) >= PAGES_PER_ROUTE:
            continue  # the pages asked for are all read; of the pages they link to, a few per route
        per_route[route] = per_route.get(route, 0) + 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        seen[url] = " ".join(" ".join(parser.parts).split())
        if depth < 2:
            for link in parser.links:
                parts = urlsplit(link)
                if not parts.netloc and parts.path.startswith("/"):
                    queue.append((parts.path + (f"?{parts.query}" if parts.query else ""), depth + 1))
    return seen


def _shown_raw(pages: dict[str, str], keys: set[str]) -> list[str]:
    found = []
    for url, text in pages.items():
        # A code followed by its meaning in brackets, as help texts list what may be typed, is not raw.
        for word in set(re.findall(r"(?<![\w./-])[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?(?![\w/-])(?!\s*[（(])",
                                   text)):
            if word in keys:
                found.append(f"{url}: {word}")
    return sorted(found)


@pytest.fixture
def demo(db):
    from suzhi.core.demo import load_demo

    load_demo()


def _client(client, username):
    from suzhi.core.demo import DEMO_PASSWORD

    response = client.post("/login/", {"login": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    client.cookies["django_language"] = "zh-hans"
    return client


def test_pages_show_no_raw_keys(demo, client):
    from suzhi.core import navigation
    from suzhi.core.models import User
    from suzhi.quizzes.models import Attempt

    keys = _raw_keys()
    assert {"quiz.attempt_start", "quizzes.attempt", "finished_by"} <= keys
    admin = User.objects.get(username="admin")
    start = [item["url"] for item in navigation.flatten(navigation.items_for(admin))]
    by_action: dict[str, int] = {}
    for pk, action in OperationLog.objects.values_list("pk", "action"):
        by_action.setdefault(action, pk)
    start += [f"/logs/operations/{pk}/" for pk in by_action.values()]
    pages = _crawl(_client(client, "admin"), start)
    assert len(pages) > 30 and any("/campaigns/" in url for url in pages)
    raw = _shown_raw(pages, keys)
    assert not raw, "\n".join(raw)
    # The contest attempt's log entry says what it is and how it ended, in words.
    text = pages[f"/logs/operations/{by_action['quiz.attempt_submit']}/"]
    assert "提交答卷" in text and "答题记录" in text and "交卷方式" in text
    # Words shared between contexts say the right thing in each: a contest's participant count, people's names.
    contest = next(text for url, text in pages.items() if re.fullmatch(r"/quizzes/contests/\d+/", url))
    assert re.search(r"参赛人数 \d+", contest) and not re.search(r"人员管理 \d+", contest)
    session = next(text for url, text in pages.items() if re.fullmatch(r"/training/sessions/\d+/", url))
    assert "姓名 身份证号" in session and "名称 身份证号" not in session

    client.logout()
    participant = Attempt.objects.select_related("user").first().user
    from suzhi.core.demo import DEMO_PASSWORD

    participant.set_password(DEMO_PASSWORD)
    participant.must_change_password = False
    participant.save()
    menu = navigation.flatten(navigation.items_for(participant))
    pages = _crawl(_client(client, participant.username), [item["url"] for item in menu])
    assert any(url.startswith("/quizzes/my/") for url in pages) and any("/training/my/" in url for url in pages)
    raw = _shown_raw(pages, keys)
    assert not raw, "\n".join(raw)


def test_log_api_and_export_show_labels(demo, client):
    from suzhi.core.models import User

    admin = User.objects.get(username="admin")
    client.force_login(admin)
    row = OperationLog.objects.filter(action="quiz.attempt_submit").first()
    body = client.get(f"/api/v1/logs/operations/{row.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["action_label"] == "提交答卷" and body["object_type_label"] == "答题记录"
    labels = {change["field"]: (change["label"], change["after"]) for change in body["changes"]}
    assert labels["finished_by"][0] == "交卷方式" and labels["finished_by"][1] in ("已提交", "时间到自动交卷")
    response = client.get("/logs/operations/?export=xlsx&action=quiz.attempt_submit", HTTP_ACCEPT_LANGUAGE="zh-hans")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][4] == "提交答卷" and rows[1][5] == "答题记录"


def _po_entries(path: Path) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    field = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current.get("msgid"):
                entries.append(current)
            current, field = {}, ""
        elif line.startswith("#,"):
            current["flags"] = current.get("flags", "") + line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += line[1:-1]
        else:
            field, _space, value = line.partition(" ")
            current[field] = value[1:-1]
    return entries


def test_every_chinese_message_is_translated():
    entries = _po_entries(PO_FILE)
    assert len(entries) > 1000
    untranslated = [
        (e.get("msgctxt"), e["msgid"]) for e in entries
        if "fuzzy" in e.get("flags", "") or not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert untranslated == []
    keys = [(e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) for e in entries]
    assert len(keys) == len(set(keys)), "a msgid is in the file twice"


def test_favicon_is_linked_and_served(client, tree, login_client):
    from django.contrib.staticfiles import finders

    page = login_client(tree.committee_admin).get("/").content.decode()
    assert 'rel="icon"' in page and "core/favicon.ico" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("core/favicon.ico")
    ico = Path(finders.find("core/favicon.ico")).read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00"  # an icon file
    assert "素" in Path(finders.find("core/favicon.svg")).read_text(encoding="utf-8")
