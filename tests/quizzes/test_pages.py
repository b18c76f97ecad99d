"""Question-bank pages: banks, the question list and its filters, add and edit as versions, history, retiring,
import preview and confirmation, template and export; scope (404) and view-only roles (403)."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from suzhi.config import urls as project_urls
from suzhi.core.models import OperationLog
from suzhi.quizzes.formats.base import ParsedOption, ParsedQuestion, QuestionType
from suzhi.quizzes.models import Question, QuestionBank, QuestionVersion
from suzhi.quizzes.services import questions as services
from tests.conformance import conformance_dir

# The lead mounts the pages at /quizzes/; until then (and after) this module serves them itself.
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "quizzes" for p in urlpatterns):
    urlpatterns.insert(0, path("quizzes/", include("suzhi.quizzes.urls")))

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

TEXT_PAPER = "1. 安全生产的方针是（ ）。\nA. 安全第一\nB. 效益优先\n答案：A\n2. 发现火灾应立即拨打119。\n答案：对\n"


@pytest.fixture
def bank(tree):
    return services.bank_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, name="安康杯题库")


def _single(stem="安全生产的方针是？", right="安全第一"):
    return ParsedQuestion(type=QuestionType.SINGLE, stem=stem, category="安全生产",
                          options=[ParsedOption(right, 1.0), ParsedOption("效益优先", 0.0)])


@pytest.fixture
def question(tree, bank):
    return services.question_save(actor=tree.town_a_admin, bank_id=bank.pk, question=_single())


def _choice_post(**extra):
    data = {"type": "single", "stem": "安全生产的方针是？", "option_A": "安全第一", "correct_A": "on",
            "option_B": "效益优先", "difficulty": "2", "category": "安全生产/法律法规", "tags": "安康杯, 法律"}
    data.update(extra)
    return data


def test_bank_list_and_create(tree, login_client, bank):
    client = login_client(tree.town_a_admin)
    page = client.get(reverse("quizzes:bank_list"))
    assert page.status_code == 200
    assert "安康杯题库" in page.content.decode() and reverse("quizzes:bank_create") in page.content.decode()
    assert client.get(reverse("quizzes:bank_create")).status_code == 200
    response = client.post(reverse("quizzes:bank_create"),
                           {"organisation": tree.town_a.pk, "name": "消防题库", "description": "x"})
    created = QuestionBank.objects.get(name="消防题库")
    assert response.status_code == 302 and response.url == reverse("quizzes:bank_detail", args=[created.pk])
    refused = client.post(reverse("quizzes:bank_create"), {"organisation": tree.town_b.pk, "name": "别人的"})
    assert refused.status_code == 200 and not QuestionBank.objects.filter(name="别人的").exists()
    duplicate = client.post(reverse("quizzes:bank_create"), {"organisation": tree.town_a.pk, "name": "消防题库"})
    assert duplicate.status_code == 200 and "消防题库" in duplicate.content.decode()


def test_bank_list_scope(tree, login_client, bank):
    page = login_client(tree.town_b_admin).get(reverse("quizzes:bank_list"))
    assert page.status_code == 200 and "安康杯题库" not in page.content.decode()


def test_add_question_form_and_list_columns(tree, login_client, bank):
    client = login_client(tree.town_a_admin)
    url = reverse("quizzes:question_create", args=[bank.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _choice_post(type="multiple", correct_B="on"))
    stored = Question.objects.get()
    assert response.status_code == 302
    version = stored.current
    assert version.type == "multiple" and [o["weight"] for o in version.options] == [0.5, 0.5]
    assert version.category.path == "安全生产/法律法规" and version.tags == ["安康杯", "法律"]
    assert version.difficulty == 2
    page = client.get(reverse("quizzes:bank_detail", args=[bank.pk])).content.decode()
    assert "安全生产的方针是？" in page and "v1" in page and "安全生产/法律法规" in page


@pytest.mark.parametrize(("post", "check"), [
    ({"type": "true_false", "stem": "发现火灾应立即拨打119。", "answer_bool": "true"},
     lambda v: v.answer_bool is True),
    ({"type": "fill_in", "stem": "安全生产法自____年起施行，共____章。", "blanks": "2002\n七/7", "any_order": "on"},
     lambda v: v.accepted == [["2002"], ["七", "7"]] and v.any_order),
    ({"type": "short_answer", "stem": "简述三级安全教育。", "reference": "厂级、车间级、班组级"},
     lambda v: v.accepted == [["厂级、车间级、班组级"]]),
])
def test_add_each_type(tree, login_client, bank, post, check):
    response = login_client(tree.town_a_admin).post(reverse("quizzes:question_create", args=[bank.pk]), post)
    assert response.status_code == 302
    assert check(Question.objects.get().current)


def test_unusable_question_shows_problems(tree, login_client, bank):
    response = login_client(tree.town_a_admin).post(reverse("quizzes:question_create", args=[bank.pk]),
                                                    _choice_post(correct_A=""))
    assert response.status_code == 200 and "errorbox" in response.content.decode()
    assert not Question.objects.exists()


def test_edit_makes_version_two_and_history_shows_both(tree, login_client, bank, question):
    client = login_client(tree.town_a_admin)
    url = reverse("quizzes:question_edit", args=[bank.pk, question.pk])
    form_page = client.get(url).content.decode()
    assert "安全第一" in form_page and "checked" in form_page
    unchanged = client.post(url, _choice_post(category="安全生产", tags="", difficulty=""))
    assert unchanged.status_code == 302 and QuestionVersion.objects.filter(question=question).count() == 1
    client.post(url, _choice_post(option_A="安全第一、预防为主、综合治理"))
    question.refresh_from_db()
    assert question.current.number == 2
    history = client.get(reverse("quizzes:question_detail", args=[bank.pk, question.pk])).content.decode()
    assert 'id="version-1"' in history and 'id="version-2"' in history
    assert "安全第一、预防为主、综合治理" in history and "效益优先" in history


def test_retire(tree, login_client, bank, question):
    client = login_client(tree.town_a_admin)
    url = reverse("quizzes:question_retire", args=[bank.pk, question.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    question.refresh_from_db()
    assert question.is_retired
    assert "安全生产的方针是" not in client.get(reverse("quizzes:bank_detail", args=[bank.pk])).content.decode()


def test_filters(tree, login_client, bank, question):
    services.question_save(actor=tree.town_a_admin, bank_id=bank.pk, question=ParsedQuestion(
        type=QuestionType.TRUE_FALSE, stem="发现火灾应立即拨打119。", answer_bool=True))
    client = login_client(tree.town_a_admin)
    url = reverse("quizzes:bank_detail", args=[bank.pk])
    by_type = client.get(url, {"type": "true_false"}).content.decode()
    assert "拨打119" in by_type and "方针" not in by_type
    category = bank.categories.get()
    by_category = client.get(url, {"category": category.pk}).content.decode()
    assert "方针" in by_category and "拨打119" not in by_category
    searched = client.get(url, {"q": "火灾"}).content.decode()
    assert "拨打119" in searched and "方针" not in searched


def test_list_query_count_does_not_grow(tree, login_client, bank):
    client = login_client(tree.town_a_admin)
    url = reverse("quizzes:bank_detail", args=[bank.pk])
    services.question_save(actor=tree.town_a_admin, bank_id=bank.pk, question=_single(stem="题1"))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(2, 12):
        services.question_save(actor=tree.town_a_admin, bank_id=bank.pk, question=_single(stem=f"题{n}"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_other_town_gets_404(tree, login_client, bank, question):
    client = login_client(tree.town_b_admin)
    for name, args in (("bank_detail", [bank.pk]), ("bank_export", [bank.pk]), ("question_import", [bank.pk]),
                       ("question_create", [bank.pk]), ("question_detail", [bank.pk, question.pk]),
                       ("question_edit", [bank.pk, question.pk])):
        assert client.get(reverse(f"quizzes:{name}", args=args)).status_code == 404, name
    assert client.post(reverse("quizzes:question_retire", args=[bank.pk, question.pk])).status_code == 404
    question.refresh_from_db()
    assert not question.is_retired


def test_question_of_another_bank_is_404(tree, login_client, bank, question):
    other = services.bank_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, name="副本")
    client = login_client(tree.town_a_admin)
    assert client.get(reverse("quizzes:question_detail", args=[other.pk, question.pk])).status_code == 404


def test_unit_admin_views_but_cannot_edit(tree, login_client, bank, question):
    client = login_client(tree.unit_a_admin)
    for name, args in (("bank_list", []), ("bank_detail", [bank.pk]), ("bank_export", [bank.pk]),
                       ("question_detail", [bank.pk, question.pk]), ("question_template", [])):
        assert client.get(reverse(f"quizzes:{name}", args=args)).status_code == 200, name
    detail = client.get(reverse("quizzes:bank_detail", args=[bank.pk])).content.decode()
    assert reverse("quizzes:question_create", args=[bank.pk]) not in detail
    for name, args in (("bank_create", []), ("question_create", [bank.pk]), ("question_import", [bank.pk]),
                       ("question_edit", [bank.pk, question.pk])):
        assert client.get(reverse(f"quizzes:{name}", args=args)).status_code == 403, name
    assert client.post(reverse("quizzes:question_retire", args=[bank.pk, question.pk])).status_code == 403


def test_town_cannot_edit_the_bank_above(tree, login_client):
    above = services.bank_create(actor=tree.committee_admin, organisation_id=tree.federation.pk, name="市级题库")
    client = login_client(tree.town_a_admin)
    assert client.get(reverse("quizzes:bank_detail", args=[above.pk])).status_code == 200
    assert client.get(reverse("quizzes:question_create", args=[above.pk])).status_code == 404


def test_import_gift_preview_writes_nothing_then_confirm(tree, login_client, bank):
    client = login_client(tree.town_a_admin)
    url = reverse("quizzes:question_import", args=[bank.pk])
    assert client.get(url).status_code == 200
    data = (gift_fixtures() / "questions.gift.txt").read_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("questions.gift.txt", data, content_type="text/plain")
    preview = client.post(url, {"step": "preview", "file": upload})
    page = preview.content.decode()
    assert preview.status_code == 200 and 'id="import-errors"' in page and "Moodle activities" in page
    assert 'data-count="created">7<' in page
    assert not Question.objects.exists()
    refused = client.post(url, {"step": "confirm"})
    assert refused.status_code == 200 and not Question.objects.exists()
    done = client.post(url, {"step": "confirm", "skip_invalid": "on"})
    assert done.status_code == 200 and Question.objects.count() == 7
    assert OperationLog.objects.filter(action="quiz.import").count() == 1
    again = client.post(url, {"step": "confirm", "skip_invalid": "on"})
    assert again.status_code == 302 and Question.objects.count() == 7  # the staged file was consumed


def test_import_pasted_text(tree, login_client, bank):
    client = login_client(tree.town_a_admin)
    url = reverse("quizzes:question_import", args=[bank.pk])
    preview = client.post(url, {"step": "preview", "text": TEXT_PAPER, "format": ""})
    assert 'data-count="created">2<' in preview.content.decode() and not Question.objects.exists()
    client.post(url, {"step": "confirm"})
    assert Question.objects.count() == 2
    neither = client.post(url, {"step": "preview", "text": "", "format": ""})
    assert neither.status_code == 200 and "errorbox" in neither.content.decode()


def test_template_and_export(tree, login_client, bank, question):
    client = login_client(tree.town_a_admin)
    template = client.get(reverse("quizzes:question_template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"
    exported = client.get(reverse("quizzes:bank_export", args=[bank.pk]))
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    copy = services.bank_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, name="副本")
    result = services.questions_import(actor=tree.town_a_admin, bank_id=copy.pk, data=exported.content,
                                       filename="x.xlsx")
    assert result.created == 1 and result.written


def gift_fixtures():
    return conformance_dir("moodle-gift")


def test_editing_keeps_unequal_weights_while_the_right_options_stay(tree, login_client, bank):
    from suzhi.quizzes.formats.base import ParsedOption, ParsedQuestion, QuestionType
    from suzhi.quizzes.services.questions import question_save

    weighted = question_save(actor=tree.town_a_admin, bank_id=bank.pk, question=ParsedQuestion(
        type=QuestionType.MULTIPLE, stem="哪些属于劳动防护用品？",
        options=[ParsedOption("安全帽", 0.7), ParsedOption("安全带", 0.3), ParsedOption("手机", -0.5)]))
    client = login_client(tree.town_a_admin)
    url = reverse("quizzes:question_edit", args=[bank.pk, weighted.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data["stem"] = "下列哪些属于劳动防护用品？"
    client.post(url, data)
    weighted.refresh_from_db()
    assert [o["weight"] for o in weighted.current.options] == [0.7, 0.3, -0.5]
    data["correct_C"] = "on"  # the right options change: the marks are shared equally again
    client.post(url, data)
    weighted.refresh_from_db()
    assert [round(o["weight"], 3) for o in weighted.current.options] == [0.333, 0.333, 0.333]


def test_gift_feedback_tags_and_what_is_not_kept_show_to_the_organiser(tree, login_client, bank):
    """Issue 14: the import preview lists what a question carries that the bank cannot keep; the question page
    shows the options' feedback and the feedback for a right and a wrong answer; the list shows and filters tags."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login_client(tree.town_a_admin)
    url = reverse("quizzes:question_import", args=[bank.pk])
    fire = "\n\n// [tag:消防]\n::fire::Dial?{=119#Right ~110#Police}\n"
    data = (gift_fixtures() / "questions.gift.txt").read_bytes() + fire.encode()
    preview = client.post(url, {"step": "preview", "file": SimpleUploadedFile("questions.gift.txt", data)})
    page = preview.content.decode()
    assert 'id="import-warnings"' in page and "Shortanswer" in page and "Cat" in page
    client.post(url, {"step": "confirm", "skip_invalid": "on"})
    fire = QuestionVersion.objects.get(stem="Dial?")
    detail = client.get(reverse("quizzes:question_detail", args=[bank.pk, fire.question_id])).content.decode()
    assert "Police" in detail and "qz-option-feedback" in detail and "消防" in detail
    q1 = QuestionVersion.objects.get(stem__startswith="42 is")
    detail = client.get(reverse("quizzes:question_detail", args=[bank.pk, q1.question_id])).content.decode()
    assert "You gave the right answer." in detail and "42 is the Ultimate Answer." in detail
    listed = client.get(reverse("quizzes:bank_detail", args=[bank.pk]), {"tag": "消防"}).content.decode()
    assert "Dial?" in listed and "Hitchiker" not in listed and "qz-tag" in listed
    # Editing keeps the feedback the form shows.
    form = client.get(reverse("quizzes:question_edit", args=[bank.pk, fire.question_id])).content.decode()
    assert 'value="Police"' in form
