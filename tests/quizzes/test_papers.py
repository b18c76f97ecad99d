"""Making papers: random draws by quota (type, category, difficulty), no question twice, a clear message when the
bank is too small, shuffling per person, and the paper frozen once the attempt starts."""

import random
import types
from collections import Counter

import pytest
from django.utils import translation

from suzhi.quizzes.manifest import Paper
from suzhi.quizzes.models import QuestionVersion
from suzhi.quizzes.papers import PaperProblem, paper_build, paper_problems
from suzhi.quizzes.selectors.attempts import attempt_sheet
from suzhi.quizzes.services import attempts as attempt_services
from suzhi.quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from suzhi.quizzes.services.questions import question_save
from tests.quizzes.factories import fixed_rules, make_bank, make_quiz, multiple, quiz_campaign, single, true_false
from tests.support import make_participant

pytestmark = pytest.mark.django_db

LAW, FIRE = "安全生产/法律法规", "消防"


@pytest.fixture
def bank(tree):
    questions = (
        [single(f"法规单选{i}", category=LAW, difficulty=1 + i % 3) for i in range(6)]  # difficulties 1,2,3,1,2,3
        + [single(f"消防单选{i}", category=FIRE, difficulty=2) for i in range(4)]
        + [single("安全生产总则", category="安全生产", difficulty=1)]
        + [multiple(f"多选{i}", category=LAW) for i in range(3)]
        + [true_false(f"判断{i}", i % 2 == 0, category=FIRE) for i in range(3)]
    )
    return make_bank(tree, questions)


def random_paper(quotas, **extra):
    return Paper.model_validate({"mode": "random", "quotas": quotas, **extra})


def facts(paper):
    rows = QuestionVersion.objects.filter(pk__in=[slot["version"] for slot in paper]).values_list(
        "id", "type", "category__path", "difficulty", "question_id")
    return {vid: (type_, path, difficulty, qid) for vid, type_, path, difficulty, qid in rows}


def test_random_quotas_by_type_category_and_difficulty(bank):
    bank_obj, _ids = bank
    paper = random_paper([
        {"type": "single", "count": 3, "points": 2, "categories": ["安全生产"], "difficulty": [1, 2]},
        {"type": "multiple", "count": 2, "points": 4},
        {"type": "true_false", "count": 3, "points": 1, "categories": [FIRE]},
    ], shuffle_questions=False)
    assert paper_problems(bank_obj, paper) == []
    for seed in range(10):
        built = paper_build(bank_obj, paper, random.Random(seed))
        known = facts(built)
        assert [slot["type"] for slot in built] == ["single"] * 3 + ["multiple"] * 2 + ["true_false"] * 3
        assert [slot["points"] for slot in built] == ["2.0"] * 3 + ["4.0"] * 2 + ["1.0"] * 3
        for slot in built[:3]:
            _type, path, difficulty, _qid = known[slot["version"]]
            assert path in (LAW, "安全生产") and difficulty in (1, 2)  # a category takes its children, not 消防
        assert all(known[slot["version"]][1] == FIRE for slot in built[5:])
        assert len({slot["version"] for slot in built}) == len(built)


def test_a_category_does_not_take_a_sibling_with_the_same_prefix(tree):
    bank_obj, _ids = make_bank(tree, [single("消防一", category="消防"), single("消防安全一", category="消防安全")])
    paper = random_paper([{"type": "single", "count": 2, "categories": ["消防"]}])
    assert paper_problems(bank_obj, paper) == [
        "The bank has 1 questions of Single choice in 消防; the quota asks for 2."]


def test_overlapping_quotas_never_draw_a_question_twice(bank):
    bank_obj, _ids = bank
    # Any single choice, then singles of 消防: the 4 消防 questions must be left for the second quota whatever
    # the first draws.
    paper = random_paper([{"type": "single", "count": 7}, {"type": "single", "count": 4, "categories": [FIRE]}])
    assert paper_problems(bank_obj, paper) == []
    for seed in range(30):
        built = paper_build(bank_obj, paper, random.Random(seed))
        questions = [facts(built)[slot["version"]][3] for slot in built]
        assert len(built) == 11 and len(set(questions)) == 11


def test_a_bank_with_too_few_questions_is_refused(bank):
    bank_obj, _ids = bank
    paper = random_paper([{"type": "multiple", "count": 5, "categories": [LAW], "difficulty": [3]}])
    problems = paper_problems(bank_obj, paper)
    assert problems == ["The bank has 0 questions of Multiple choice in 安全生产/法律法规 of difficulty 3; the quota "
                        "asks for 5."]
    with pytest.raises(PaperProblem) as exc:
        paper_build(bank_obj, paper, random.Random(1))
    assert str(exc.value) == problems[0]
    # Together two quotas may ask for more than there are.
    two = random_paper([{"type": "true_false", "count": 2}, {"type": "true_false", "count": 2}])
    assert len(paper_problems(bank_obj, two)) == 1
    with pytest.raises(PaperProblem):
        paper_build(bank_obj, two, random.Random(1))


def test_the_message_is_chinese(bank):
    bank_obj, _ids = bank
    paper = random_paper([{"type": "multiple", "count": 5}])
    with translation.override("zh-hans"):
        problems = paper_problems(bank_obj, paper)
        english = "The bank has %(have)d questions of %(what)s; the quota asks for %(want)d."
        if translation.gettext(english) == english:
            pytest.skip("the contest messages are not in the zh_Hans catalogue yet")
    assert len(problems) == 1 and "题" in problems[0] and "5" in problems[0] and "3" in problems[0]


def test_fixed_papers_name_unknown_and_retired_questions(bank, tree):
    bank_obj, ids = bank
    other_bank, other_ids = make_bank(tree, [single("别的题库")], name="别的题库")
    paper = Paper.model_validate(fixed_rules([ids[0], other_ids[0]])["paper"])
    assert paper_problems(bank_obj, paper) == [
        f"Question {other_ids[0]} is not a current question of the bank “安全生产题库”."]
    with pytest.raises(PaperProblem):
        paper_build(bank_obj, paper, random.Random(1))
    twice = Paper.model_validate(fixed_rules([ids[1], ids[0], ids[1]])["paper"])
    assert paper_problems(bank_obj, twice) == [f"Question {ids[1]} is on the paper more than once."]
    with pytest.raises(PaperProblem):
        paper_build(bank_obj, twice, random.Random(1))
    assert paper_problems(bank_obj, Paper.model_validate({"mode": "fixed"})) == [
        "A fixed paper needs at least one question."]
    assert paper_problems(bank_obj, Paper.model_validate({"mode": "random"})) == [
        "A random paper needs at least one quota."]


def test_shuffling_differs_per_person_and_repeats_per_seed(bank):
    bank_obj, ids = bank
    paper = Paper.model_validate({**fixed_rules(ids[:10])["paper"], "shuffle_questions": True,
                                  "shuffle_options": True})
    papers = [paper_build(bank_obj, paper, random.Random(seed)) for seed in range(5)]
    assert paper_build(bank_obj, paper, random.Random(3)) == papers[3]
    orders = {tuple(slot["version"] for slot in p) for p in papers}
    assert len(orders) == 5  # five people, five question orders
    assert len({tuple(p[0]["order"]) for p in papers} | {tuple(p[1]["order"]) for p in papers}) > 1
    for built in papers:
        assert sorted(slot["version"] for slot in built) == sorted(slot["version"] for slot in papers[0])
        assert all(sorted(slot["order"]) == [0, 1, 2, 3] for slot in built)
    unshuffled = paper_build(bank_obj, Paper.model_validate(fixed_rules(ids[:10])["paper"]), random.Random(3))
    assert [slot["order"] for slot in unshuffled] == [[0, 1, 2, 3]] * 10


def test_each_participant_gets_their_own_order_and_a_right_answer_scores(bank, tree, monkeypatch):
    bank_obj, ids = bank
    campaign = quiz_campaign(tree)
    rules = fixed_rules(ids[:10])
    rules["paper"].update(shuffle_questions=True, shuffle_options=True)
    quiz = make_quiz(tree, campaign, bank_obj, rules)
    seeds = iter([11, 12])
    monkeypatch.setattr(attempt_services, "random", types.SimpleNamespace(Random=lambda: random.Random(next(seeds))))
    (_p1, u1), (_p2, u2) = make_participant(tree, "甲一"), make_participant(tree, "乙二", org=tree.unit_b)
    a1, a2 = attempt_start(actor=u1, quiz_id=quiz.pk), attempt_start(actor=u2, quiz_id=quiz.pk)
    assert [s["version"] for s in a1.paper] != [s["version"] for s in a2.paper]
    # Everyone answers the right option by its displayed position: full marks whatever the shuffle.
    for attempt, user in ((a1, u1), (a2, u2)):
        for slot, item in enumerate(attempt.paper):
            answer_save(actor=user, attempt_id=attempt.pk, slot=slot, response={"choices": [item["order"].index(0)]})
        assert attempt_submit(actor=user, attempt_id=attempt.pk).score == attempt.max_score


def test_the_paper_is_frozen_after_a_question_edit(bank, tree):
    bank_obj, ids = bank
    campaign = quiz_campaign(tree)
    quiz = make_quiz(tree, campaign, bank_obj, fixed_rules(ids[:2], attempts_per_person=2))
    _person, user = make_participant(tree)
    first = attempt_start(actor=user, quiz_id=quiz.pk)
    old_version = first.paper[0]["version"]
    question_save(actor=tree.committee_admin, bank_id=bank_obj.pk, question_id=ids[0],
                  question=single("法规单选0（修订）", right=3, category=LAW))
    sheet = attempt_sheet(attempt_start(actor=user, quiz_id=quiz.pk))  # resuming: the same paper
    assert sheet["attempt_id"] == first.pk and sheet["items"][0]["stem"] == "法规单选0"
    answer_save(actor=user, attempt_id=first.pk, slot=0, response={"choices": [0]})
    assert attempt_submit(actor=user, attempt_id=first.pk).score == 2  # graded on the version it showed
    second = attempt_start(actor=user, quiz_id=quiz.pk)
    assert second.paper[0]["version"] != old_version
    assert attempt_sheet(second)["items"][0]["stem"] == "法规单选0（修订）"
    assert Counter(s["type"] for s in second.paper) == Counter({"single": 2})
