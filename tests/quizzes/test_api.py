"""The question bank over the API: banks, questions as versions, retiring, import (multipart or JSON text) and
export; scope (404) and view-only roles (403)."""


import pytest
from django.urls import path
from ninja import NinjaAPI

from suzhi.config import urls as project_urls
from suzhi.core.api.base import BearerTokenAuth, SessionAuth, install_error_handlers
from suzhi.quizzes.api.banks import router
from suzhi.quizzes.formats.base import ParsedOption, ParsedQuestion, QuestionType
from suzhi.quizzes.models import Question, QuestionBank, QuestionVersion
from suzhi.quizzes.services import questions as services
from tests.conformance import conformance_dir

# The lead mounts the router at /api/v1/quizzes; this module serves it on its own API so the tests do not
# depend on that.
_api = NinjaAPI(auth=[BearerTokenAuth(), SessionAuth()], urls_namespace="quizzes_test_api", docs_url=None)
install_error_handlers(_api)
_api.add_router("/quizzes", router)
urlpatterns = [path("api/v1/", _api.urls), *project_urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

BASE = "/api/v1/quizzes"
SINGLE = {"type": "single", "stem": "安全生产的方针是？", "category": "安全生产/法律法规", "difficulty": 2,
          "options": [{"text": "安全第一", "weight": 1}, {"text": "效益优先", "weight": 0}], "tags": ["安康杯"]}


@pytest.fixture
def bank(tree):
    return services.bank_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, name="安康杯题库")


@pytest.fixture
def question(tree, bank):
    return services.question_save(actor=tree.town_a_admin, bank_id=bank.pk, question=ParsedQuestion(
        type=QuestionType.SINGLE, stem="安全生产的方针是？",
        options=[ParsedOption("安全第一", 1.0), ParsedOption("效益优先", 0.0)]))


def test_banks(tree, api_client, bank):
    client = api_client(tree.town_a_admin)
    listed = client.get(f"{BASE}/banks").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "安康杯题库"
    assert listed["items"][0]["organisation"]["id"] == tree.town_a.pk
    created = client.post(f"{BASE}/banks", {"organisation_id": tree.town_a.pk, "name": "消防题库"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["question_count"] == 0
    got = client.get(f"{BASE}/banks/{created.json()['id']}")
    assert got.status_code == 200 and got.json()["name"] == "消防题库"
    refused = client.post(f"{BASE}/banks", {"organisation_id": tree.town_b.pk, "name": "别人的"},
                          content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "validation_error"


def test_questions_create_update_versions_retire(tree, api_client, bank):
    client = api_client(tree.town_a_admin)
    created = client.post(f"{BASE}/banks/{bank.pk}/questions", SINGLE, content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["version"] == 1 and body["category"] == "安全生产/法律法规" and body["options"][0]["weight"] == 1
    qid = body["id"]
    listed = client.get(f"{BASE}/banks/{bank.pk}/questions", {"type": "single"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == qid
    assert client.get(f"{BASE}/banks/{bank.pk}/questions", {"type": "fill_in"}).json()["count"] == 0
    assert client.get(f"{BASE}/banks/{bank.pk}/questions", {"q": "方针"}).json()["count"] == 1
    edited = client.put(f"{BASE}/banks/{bank.pk}/questions/{qid}",
                        {**SINGLE, "options": [{"text": "安全第一、预防为主", "weight": 1},
                                               {"text": "效益优先", "weight": 0}]},
                        content_type="application/json")
    assert edited.status_code == 200 and edited.json()["version"] == 2
    assert client.get(f"{BASE}/banks/{bank.pk}/questions/{qid}").json()["version"] == 2
    versions = client.get(f"{BASE}/banks/{bank.pk}/questions/{qid}/versions").json()
    assert [v["number"] for v in versions] == [2, 1] and versions[1]["options"][0]["text"] == "安全第一"
    retired = client.post(f"{BASE}/banks/{bank.pk}/questions/{qid}/retire")
    assert retired.status_code == 200 and retired.json()["is_retired"]
    assert client.get(f"{BASE}/banks/{bank.pk}/questions").json()["count"] == 0
    assert client.get(f"{BASE}/banks/{bank.pk}/questions", {"include_retired": True}).json()["count"] == 1


def test_unusable_question_is_422(tree, api_client, bank):
    response = api_client(tree.town_a_admin).post(
        f"{BASE}/banks/{bank.pk}/questions", {"type": "true_false", "stem": "x"}, content_type="application/json")
    assert response.status_code == 422 and not Question.objects.exists()


def test_other_town_gets_404(tree, api_client, bank, question):
    client = api_client(tree.town_b_admin)
    for url in (f"/banks/{bank.pk}", f"/banks/{bank.pk}/questions", f"/banks/{bank.pk}/questions/{question.pk}",
                f"/banks/{bank.pk}/questions/{question.pk}/versions", f"/banks/{bank.pk}/export"):
        assert client.get(BASE + url).status_code == 404, url
    assert client.put(f"{BASE}/banks/{bank.pk}/questions/{question.pk}", SINGLE,
                      content_type="application/json").status_code == 404
    assert client.post(f"{BASE}/banks/{bank.pk}/questions", SINGLE,
                       content_type="application/json").status_code == 404
    assert client.post(f"{BASE}/banks/{bank.pk}/questions/{question.pk}/retire").status_code == 404
    assert client.post(f"{BASE}/banks/{bank.pk}/import", {"text": "1. x\n答案：对"},
                       content_type="application/json").status_code == 404
    assert client.get(f"{BASE}/banks").json()["count"] == 0
    question.refresh_from_db()
    assert not question.is_retired and QuestionVersion.objects.count() == 1


def test_question_of_another_bank_is_404(tree, api_client, bank, question):
    other = services.bank_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, name="副本")
    assert api_client(tree.town_a_admin).get(f"{BASE}/banks/{other.pk}/questions/{question.pk}").status_code == 404


def test_unit_admin_views_but_cannot_edit(tree, api_client, bank, question):
    client = api_client(tree.unit_a_admin)
    assert client.get(f"{BASE}/banks").json()["count"] == 1
    assert client.get(f"{BASE}/banks/{bank.pk}/questions/{question.pk}").status_code == 200
    assert client.get(f"{BASE}/banks/{bank.pk}/export").status_code == 200
    assert client.post(f"{BASE}/banks", {"organisation_id": tree.unit_a.pk, "name": "x"},
                       content_type="application/json").status_code == 403
    assert client.post(f"{BASE}/banks/{bank.pk}/questions", SINGLE,
                       content_type="application/json").status_code == 403
    assert client.put(f"{BASE}/banks/{bank.pk}/questions/{question.pk}", SINGLE,
                      content_type="application/json").status_code == 403
    assert client.post(f"{BASE}/banks/{bank.pk}/questions/{question.pk}/retire").status_code == 403
    assert client.post(f"{BASE}/banks/{bank.pk}/import", {"text": "1. x\n答案：对"},
                       content_type="application/json").status_code == 403


def test_participant_has_no_access(tree, api_client, bank):
    assert api_client(tree.participant_a).get(f"{BASE}/banks").status_code == 403


def test_import_multipart_gift_dry_run_then_skip_invalid(tree, api_client, bank):
    client = api_client(tree.town_a_admin)
    data = (gift_fixtures() / "questions.gift.txt").read_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload():
        return {"file": SimpleUploadedFile("questions.gift.txt", data, content_type="text/plain")}

    preview = client.post(f"{BASE}/banks/{bank.pk}/import?dry_run=true", upload())
    body = preview.json()
    assert preview.status_code == 200 and body["format"] == "gift" and body["created"] == 7
    assert body["dry_run"] and not body["written"] and body["errors"]
    assert {"line", "question", "column", "message"} <= set(body["errors"][0])
    assert not Question.objects.exists()
    refused = client.post(f"{BASE}/banks/{bank.pk}/import", upload()).json()
    assert not refused["written"] and not Question.objects.exists()
    done = client.post(f"{BASE}/banks/{bank.pk}/import?skip_invalid=true", upload()).json()
    assert done["written"] and Question.objects.count() == 7
    missing = client.post(f"{BASE}/banks/{bank.pk}/import", {"other": "x"})
    assert missing.status_code == 422


def test_import_json_text(tree, api_client, bank):
    client = api_client(tree.town_a_admin)
    text = "1. 安全生产的方针是（ ）。\nA. 安全第一\nB. 效益优先\n答案：A\n2. 发现火灾应立即拨打119。\n答案：对\n"
    preview = client.post(f"{BASE}/banks/{bank.pk}/import", {"text": text, "dry_run": True},
                          content_type="application/json").json()
    assert preview["format"] == "text" and preview["created"] == 2 and not Question.objects.exists()
    done = client.post(f"{BASE}/banks/{bank.pk}/import", {"text": text, "format": "text"},
                       content_type="application/json").json()
    assert done["written"] and Question.objects.count() == 2
    bad = client.post(f"{BASE}/banks/{bank.pk}/import", {"format": "text"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"


def test_export(tree, api_client, bank, question):
    response = api_client(tree.town_a_admin).get(f"{BASE}/banks/{bank.pk}/export")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "attachment" in response["Content-Disposition"]
    copy = QuestionBank.objects.create(organisation=tree.town_a, name="副本")
    result = services.questions_import(actor=tree.town_a_admin, bank_id=copy.pk, data=response.content,
                                       filename="x.xlsx")
    assert result.created == 1


def gift_fixtures():
    return conformance_dir("moodle-gift")
