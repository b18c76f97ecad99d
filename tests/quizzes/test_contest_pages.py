"""Organiser pages for contests: set up through the form, publish, results, units, items, marking, exports, and
another town's admin kept out."""

import io

import openpyxl
import pytest
from django.urls import reverse

from suzhi.quizzes.models import Quiz
from suzhi.quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from suzhi.quizzes.services.questions import question_save
from suzhi.quizzes.services.results import results_refresh
from tests.quizzes.factories import fixed_rules, make_bank, make_quiz, quiz_campaign, short_answer, single, true_false
from tests.support import make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree):
    campaign = quiz_campaign(tree)
    bank, ids = make_bank(tree, [single("单选一", right=1), single("单选二", right=0), true_false("判断一"),
                                 short_answer("简述安全生产方针")])
    return campaign, bank, ids


def _form_data(bank, **extra):
    data = {"organisation": "", "title": "安康杯知识竞赛", "description": "", "bank": bank.pk, "time_limit_minutes": 15,
            "attempts_per_person": 2, "attempts_per_day": "", "counted_attempt": "highest",
            "multiple_choice_credit": "partial", "show_results": "after_submit", "ranking_1": "participation_rate",
            "ranking_2": "average_score", "ranking_3": "", "paper_mode": "random", "fixed_questions": "",
            "shuffle_questions": "on", "shuffle_options": "on", "age_below": 45, "age_from": "",
            "quota_0_type": "single", "quota_0_count": 2, "quota_0_points": 5, "quota_0_categories": "",
            "quota_0_difficulty": "", "quota_1_type": "true_false", "quota_1_count": 1, "quota_1_points": 2}
    data.update(extra)
    return data


def test_an_admin_sets_up_and_publishes_a_contest(tree, setup, login_client):
    campaign, bank, _ids = setup
    client = login_client(tree.committee_admin)
    activity = campaign.activities.get(key="ankang")
    page = client.get(reverse("quizzes:contest_create") + f"?activity={activity.pk}")
    assert page.status_code == 200
    response = client.post(reverse("quizzes:contest_create") + f"?activity={activity.pk}",
                           _form_data(bank, organisation=tree.committee.pk))
    quiz = Quiz.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/contests/{quiz.pk}/")
    assert quiz.rules["paper"]["quotas"][0] == {"type": "single", "count": 2, "points": 5.0, "categories": [],
                                                "difficulty": []}
    assert quiz.rules["attributes"] == [{"field": "age", "op": "lt", "value": 45}]
    assert quiz.rules["unit_ranking"] == ["participation_rate", "average_score"]
    assert not quiz.is_published
    client.post(reverse("quizzes:contest_publish", args=[quiz.pk]), {"published": "1"})
    quiz.refresh_from_db()
    assert quiz.is_published
    detail = client.get(reverse("quizzes:contest_detail", args=[quiz.pk]))
    assert "单选题" in detail.content.decode() or "Single choice" in detail.content.decode()


def test_a_quota_the_bank_cannot_fill_is_shown_on_its_field(tree, setup, login_client):
    campaign, bank, _ids = setup
    client = login_client(tree.committee_admin)
    activity = campaign.activities.get(key="ankang")
    response = client.post(reverse("quizzes:contest_create") + f"?activity={activity.pk}",
                           _form_data(bank, organisation=tree.committee.pk, quota_0_count=9))
    assert response.status_code == 200
    assert not Quiz.objects.exists()
    assert response.context["form"].errors


def test_results_units_items_and_exports(tree, setup, login_client):
    campaign, bank, ids = setup
    quiz = make_quiz(tree, campaign, bank, fixed_rules(ids[:3]))
    people = [make_participant(tree, name=n, org=o) for n, o in (("甲", tree.unit_a), ("乙", tree.unit_b))]
    for i, (_person, user) in enumerate(people):
        attempt = attempt_start(actor=user, quiz_id=quiz.pk)
        answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [1 if i == 0 else 2]})
        attempt_submit(actor=user, attempt_id=attempt.pk)
    results_refresh(actor=None, quiz_id=quiz.pk)
    client = login_client(tree.committee_admin)
    page = client.get(reverse("quizzes:contest_results", args=[quiz.pk])).content.decode()
    assert page.index("甲") < page.index("乙")
    units = client.get(reverse("quizzes:contest_units", args=[quiz.pk]))
    assert units.status_code == 200
    assert [r.organisation.name for r in units.context["rows"]] == ["敦煌市总工会"]
    town_level = client.get(reverse("quizzes:contest_units", args=[quiz.pk]) + f"?org={tree.federation.pk}")
    assert {r.organisation_id for r in town_level.context["rows"]} == {tree.town_a.pk, tree.town_b.pk}
    assert client.get(reverse("quizzes:contest_items", args=[quiz.pk])).status_code == 200
    export = client.get(reverse("quizzes:contest_results_export", args=[quiz.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["甲", "乙"]
    units_export = client.get(reverse("quizzes:contest_units_export", args=[quiz.pk]) + f"?org={tree.federation.pk}")
    assert units_export.status_code == 200


def test_a_short_answer_is_marked_on_the_marking_page(tree, setup, login_client):
    campaign, bank, ids = setup
    quiz = make_quiz(tree, campaign, bank, fixed_rules([ids[3]], points=10))
    _person, user = make_participant(tree)
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"text": "安全第一，预防为主，综合治理"})
    attempt = attempt_submit(actor=user, attempt_id=attempt.pk)
    assert attempt.pending_marking
    client = login_client(tree.committee_admin)
    page = client.get(reverse("quizzes:contest_marking", args=[quiz.pk]))
    answer = page.context["answers"][0]
    client.post(reverse("quizzes:contest_marking", args=[quiz.pk]), {"answer": answer.pk, "score": "8"})
    attempt.refresh_from_db()
    assert attempt.score == 8 and not attempt.pending_marking


def test_another_towns_admin_cannot_manage_or_see_a_town_contest(tree, setup, login_client):
    campaign, bank, ids = setup
    from suzhi.quizzes.services.questions import bank_create, question_save

    town_bank = bank_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, name="七里镇题库")
    question_save(actor=tree.town_a_admin, bank_id=town_bank.pk, question=single("镇题"))
    from suzhi.quizzes.services.contests import quiz_create

    quiz = quiz_create(actor=tree.town_a_admin, activity_id=campaign.activities.get(key="ankang").pk,
                       organisation_id=tree.town_a.pk, title="七里镇竞赛", bank_id=town_bank.pk,
                       rules={"paper": {"mode": "random", "quotas": [{"type": "single", "count": 1}]}})
    client = login_client(tree.town_b_admin)
    for name in ("contest_detail", "contest_results", "contest_units", "contest_edit", "contest_items",
                 "contest_marking"):
        assert client.get(reverse(f"quizzes:{name}", args=[quiz.pk])).status_code == 404, name
    assert client.post(reverse("quizzes:contest_publish", args=[quiz.pk]), {"published": "1"}).status_code == 404
    quiz.refresh_from_db()
    assert not quiz.is_published
    assert "七里镇竞赛" not in client.get(reverse("quizzes:contest_list")).content.decode()


def test_a_contest_with_more_quotas_than_the_default_rows_keeps_them_all_when_edited(tree, login_client):
    """A plan file may give any number of quotas; the form shows them all and one empty row, and saving it
    unchanged keeps every one."""
    campaign = quiz_campaign(tree)
    bank, _ids = make_bank(tree, [single(f"单选{i}", category=f"类别{i}") for i in range(7)])
    quotas = [{"type": "single", "count": 1, "points": 1, "categories": [f"类别{i}"]} for i in range(7)]
    rules = {"paper": {"mode": "random", "quotas": quotas}, "time_limit_minutes": 20}
    quiz = make_quiz(tree, campaign, bank, rules, publish=False)
    client = login_client(tree.committee_admin)
    url = reverse("quizzes:contest_edit", args=[quiz.pk])
    form = client.get(url).context["form"]
    assert form.quota_count == 8 and form["quota_6_categories"].value() == "类别6"
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("on" if value is True else value) for name, value in data.items()
            if value not in (None, False)}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    quiz.refresh_from_db()
    assert [q["categories"] for q in quiz.rules["paper"]["quotas"]] == [[f"类别{i}"] for i in range(7)]


def test_the_regrade_record_lists_each_changed_score(tree, setup, login_client):
    campaign, bank, ids = setup
    quiz = make_quiz(tree, campaign, bank, fixed_rules(ids[:1]))
    _person, user = make_participant(tree, "张一")
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [1]})
    attempt_submit(actor=user, attempt_id=attempt.pk)
    question_save(actor=tree.committee_admin, bank_id=bank.pk, question_id=ids[0], question=single("单选一", right=2))
    client = login_client(tree.committee_admin)
    client.post(reverse("quizzes:contest_regrade", args=[quiz.pk]))
    page = client.get(reverse("quizzes:contest_regrades", args=[quiz.pk]))
    assert page.status_code == 200
    rows = list(page.context["page_obj"])
    assert [(r.attempt.person.name, str(r.old_score), str(r.new_score)) for r in rows] == [("张一", "2.00", "0.00")]
    assert "张一" in page.content.decode()
    other = login_client(tree.town_b_admin)
    assert other.get(reverse("quizzes:contest_regrades", args=[quiz.pk])).status_code in (403, 404)
