"""The question bank: versions on edit, retiring, and imports (Excel template, text, GIFT) that preview first,
are atomic by default and do not add the same question twice."""


import pytest
from django.utils import translation

from suzhi.core.errors import NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import OperationLog
from suzhi.quizzes.formats.base import ParsedOption, ParsedQuestion, QuestionType
from suzhi.quizzes.models import Question, QuestionVersion
from suzhi.quizzes.selectors.banks import bank_get, banks_visible, questions_of
from suzhi.quizzes.services import questions as services
from tests.conformance import conformance_dir

pytestmark = pytest.mark.django_db


TEXT_PAPER = """一、单选题
1. 安全生产工作应当坚持的方针是（ ）。
A. 安全第一、预防为主、综合治理
B. 效益优先
答案：A
解析：见《安全生产法》第三条。
二、判断题
2. 发现火灾应立即拨打119。
答案：对
"""


@pytest.fixture
def bank(tree):
    return services.bank_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, name="安康杯题库")


def _single(stem="安全生产的方针是？", right="安全第一", wrong="效益优先"):
    return ParsedQuestion(type=QuestionType.SINGLE, stem=stem,
                          options=[ParsedOption(right, 1.0), ParsedOption(wrong, 0.0)], category="安全生产/法律法规")


def test_bank_scope(tree, bank):
    assert bank in banks_visible(user=tree.unit_a_admin)  # the unit draws on its town's bank
    assert bank not in banks_visible(user=tree.town_b_admin)
    with pytest.raises(NotFound):
        bank_get(user=tree.town_b_admin, bank_id=bank.pk)
    with pytest.raises(ValidationFailed):
        services.bank_create(actor=tree.town_a_admin, organisation_id=tree.town_b.pk, name="别人的")
    with pytest.raises(PermissionDenied):
        services.bank_create(actor=tree.unit_a_admin, organisation_id=tree.unit_a.pk, name="单位题库")


def test_an_edit_writes_a_new_version_and_keeps_the_old(tree, bank):
    question = services.question_save(actor=tree.town_a_admin, bank_id=bank.pk, question=_single())
    first = question.current
    assert first.number == 1 and first.category.path == "安全生产/法律法规"
    same = services.question_save(actor=tree.town_a_admin, bank_id=bank.pk, question=_single(),
                                  question_id=question.pk)
    assert same.current == first  # unchanged: no new version
    edited = services.question_save(actor=tree.town_a_admin, bank_id=bank.pk, question_id=question.pk,
                                     question=_single(right="安全第一、预防为主、综合治理"))
    assert edited.current.number == 2 and QuestionVersion.objects.get(pk=first.pk).options[0]["text"] == "安全第一"
    services.question_retire(actor=tree.town_a_admin, bank_id=bank.pk, question_id=question.pk)
    assert list(questions_of(bank=bank)) == [] and QuestionVersion.objects.filter(question=question).count() == 2
    with pytest.raises(NotFound):
        services.question_save(actor=tree.town_b_admin, bank_id=bank.pk, question=_single())


@pytest.mark.parametrize(("question", "message"), [
    (ParsedQuestion(type=QuestionType.SINGLE, stem="x", options=[ParsedOption("a", 1.0)]), "at least 2"),
    (ParsedQuestion(type=QuestionType.SINGLE, stem="x", options=[ParsedOption("a", 1), ParsedOption("b", 1)]),
     "exactly one"),
    (ParsedQuestion(type=QuestionType.MULTIPLE, stem="x", options=[ParsedOption("a"), ParsedOption("b")]),
     "marked correct"),
    (ParsedQuestion(type=QuestionType.TRUE_FALSE, stem="x"), "true or false"),
    (ParsedQuestion(type=QuestionType.FILL_IN, stem="x", accepted=[[""]]), "accepted answer"),
    (ParsedQuestion(type=QuestionType.SHORT_ANSWER, stem=" "), "stem"),
])
def test_unusable_questions_are_refused(tree, bank, question, message):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.question_save(actor=tree.town_a_admin, bank_id=bank.pk, question=question)
    assert message in caught.value.message
    assert not Question.objects.exists()


def test_gift_fixture_is_atomic_by_default_then_skips_invalid(tree, bank):
    data = (gift_fixtures() / "questions.gift.txt").read_bytes()
    preview = services.questions_import(actor=tree.town_a_admin, bank_id=bank.pk, data=data,
                                        filename="questions.gift.txt", dry_run=True)
    assert preview.format == "gift" and preview.created == 7 and preview.unchanged == 0 and not preview.written
    named = {e["question"] for e in preview.errors}
    assert "Moodle activities" in named and any("Q5" in n for n in named)
    refused = services.questions_import(actor=tree.town_a_admin, bank_id=bank.pk, data=data,
                                        filename="questions.gift.txt")
    assert not refused.written and not Question.objects.exists()
    done = services.questions_import(actor=tree.town_a_admin, bank_id=bank.pk, data=data,
                                     filename="questions.gift.txt", skip_invalid=True)
    assert done.written and Question.objects.count() == preview.created
    types = set(questions_of(bank=bank).values_list("type", flat=True))
    assert types == {"single", "multiple", "true_false", "fill_in", "short_answer"}
    assert OperationLog.objects.filter(action="quiz.import").count() == 1
    again = services.questions_import(actor=tree.town_a_admin, bank_id=bank.pk, data=data,
                                      filename="questions.gift.txt", skip_invalid=True)
    assert again.created == 0 and again.unchanged == preview.created  # nothing twice


def test_gift_categories(tree, bank):
    data = (gift_fixtures() / "questions_in_category.gift.txt").read_bytes()
    services.questions_import(actor=tree.town_a_admin, bank_id=bank.pk, data=data, filename="c.txt",
                              skip_invalid=True)
    paths = set(questions_of(bank=bank).values_list("category__path", flat=True))
    assert paths == {"Default for New Features"}


def test_text_paper_and_excel_round_trip(tree, bank):
    result = services.questions_import(actor=tree.town_a_admin, bank_id=bank.pk, data=TEXT_PAPER.encode("gbk"),
                                       filename="试卷.txt")
    assert result.format == "text" and result.created == 2 and result.written and not result.errors
    exported = services.bank_export(bank=bank)
    other = services.bank_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, name="副本")
    copied = services.questions_import(actor=tree.town_a_admin, bank_id=other.pk, data=exported,
                                       filename="题库.xlsx")
    assert copied.format == "excel" and copied.created == 2 and not copied.errors

    def shape(b):
        return sorted((v.type, v.stem, str(v.options), v.answer_bool, v.explanation) for v in questions_of(bank=b))

    assert shape(other) == shape(bank)


def test_import_needs_manage_scope(tree, bank):
    with pytest.raises(NotFound):
        services.questions_import(actor=tree.town_b_admin, bank_id=bank.pk, data=TEXT_PAPER.encode(),
                                  filename="x.txt")
    with pytest.raises(PermissionDenied):
        services.questions_import(actor=tree.unit_a_admin, bank_id=bank.pk, data=TEXT_PAPER.encode(),
                                  filename="x.txt")


def gift_fixtures():
    return conformance_dir("moodle-gift")


# --- issue 14: GIFT as Moodle writes it ------------------------------------------------------------------------

# What Moodle files look like that the old detection missed: no "{=", no "~", no "{T}" / "{F", answers on lines
# of their own, TRUE spelled out.
MOODLE_STYLE = """// [tag:animals]
::Shortanswer::Which is the best animal?{
    =Frog#Good!
    =%0%*#Completely wrong
}

::Big::Moodle is big.{TRUE}
"""


def test_a_gift_txt_file_is_read_as_gift_whatever_it_holds(tree, bank):
    for filename in ("questions.gift.txt", "QUESTIONS.GIFT.TXT", "questions.txt"):
        assert services.detect_format(filename, MOODLE_STYLE.encode()) == "gift", filename
    result = services.questions_import(actor=tree.town_a_admin, bank_id=bank.pk, data=MOODLE_STYLE.encode(),
                                       filename="questions.gift.txt")
    assert result.format == "gift" and result.created == 2 and result.errors == [] and result.written
    # and the Chinese text format stays text, "~" in its words notwithstanding
    paper = TEXT_PAPER.replace("方针", "方针（1~3条）")
    assert services.detect_format("试卷.txt", paper.encode("gbk")) == "text"


def test_a_gift_file_that_is_not_utf8_is_refused_not_garbled(tree, bank):
    western = "::Café::Le café est-il chaud?{T}\n\n::Thé::Un thé à la menthe?{=oui ~non}\n".encode("cp1252")
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        services.questions_import(actor=tree.town_a_admin, bank_id=bank.pk, data=western, filename="q.gift",
                                  dry_run=True)
    assert refused.value.code == "not_utf8" and "UTF-8" in refused.value.message
    assert not Question.objects.exists()
    # UTF-8 (with or without a byte order mark) and UTF-16 with its mark read as written
    for data in (western.decode("cp1252").encode("utf-8"), western.decode("cp1252").encode("utf-8-sig"),
                 western.decode("cp1252").encode("utf-16")):
        result = services.questions_import(actor=tree.town_a_admin, bank_id=bank.pk, data=data, filename="q.gift",
                                           dry_run=True)
        assert result.created == 2 and result.errors == []


def test_gift_feedback_and_tags_are_stored_exported_and_imported_back(tree, bank):
    data = (gift_fixtures() / "questions.gift.txt").read_bytes() + b"\n\n" + MOODLE_STYLE.encode()
    result = services.questions_import(actor=tree.town_a_admin, bank_id=bank.pk, data=data,
                                       filename="questions.gift.txt", skip_invalid=True)
    assert result.written
    # The partial answer of Shortanswer is reported, not silently dropped.
    assert [(w["question"], w["line"]) for w in result.warnings] == [("Shortanswer", 34)]
    stored = {v.stem: v for v in questions_of(bank=bank)}
    q2 = questions_of(bank=bank, type="single").get(stem="What's between orange and green in the spectrum?")
    assert [o.get("feedback") for o in q2.options] == ["right; good!", "wrong, it's yellow", "wrong, it's yellow"]
    q1 = next(v for stem, v in stored.items() if stem.startswith("42 is"))
    assert (q1.feedback_wrong, q1.feedback_right) == ("42 is the Ultimate Answer.", "You gave the right answer.")
    animal = [v for v in stored.values() if v.stem == "Which is the best animal?" and v.tags]
    assert len(animal) == 1 and animal[0].tags == ["animals"]
    assert (animal[0].feedback_right, animal[0].feedback_wrong) == ("Good!", "Completely wrong")
    assert [v.stem for v in questions_of(bank=bank, tag="animals")] == ["Which is the best animal?"]

    other = services.bank_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, name="副本")
    copied = services.questions_import(actor=tree.town_a_admin, bank_id=other.pk,
                                       data=services.bank_export(bank=bank), filename="题库.xlsx")
    assert copied.errors == [] and copied.written

    def kept(b):
        return sorted((v.stem, [o.get("feedback", "") for o in v.options], v.feedback_right, v.feedback_wrong,
                       v.tags) for v in questions_of(bank=b))

    assert kept(other) == kept(bank)
