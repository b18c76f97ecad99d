"""A competition run through its services: registration (eligibility, limits per unit, 列名参赛), the recorded
draw, judges scoring blind numbers, measured results with their history, the ranking computed, signed, verified by
a second person and published, the places recorded and the results contract."""

from decimal import Decimal

import pytest

from suzhi.campaigns.models import MetricRecord
from suzhi.campaigns.results import Subject, ranked_results
from suzhi.competitions.error_codes import CompetitionErrors
from suzhi.competitions.models import Contestant, Draw, MeasureChange, Ranking, Standing
from suzhi.competitions.services.draw import drawn_order, numbers_draw
from suzhi.competitions.services.measures import measures_enter
from suzhi.competitions.services.rankings import ranking_compute, ranking_publish, ranking_sign, ranking_verify
from suzhi.competitions.services.registration import contestant_register, contestant_withdraw
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.judging.error_codes import JudgingErrors
from suzhi.judging.models import Assignment, Entry
from suzhi.judging.services.assignments import assignment_auto
from suzhi.judging.services.scores import score_save, sheet_submit
from tests.competitions.factories import competition_settings, event_judges, make_competition, register
from tests.core.factories import UserFactory, grant, make_org
from tests.people.factories import make_person


@pytest.fixture
def contest(tree):
    return make_competition(tree.federation, settings=competition_settings(per_unit=2))


@pytest.fixture
def second_admin(tree):
    user = UserFactory(username="committee2", organisation=tree.committee)
    grant(user, "committee_admin", tree.committee)
    return user


def _code(exc_info) -> str:
    return str(exc_info.value.code)


def test_a_unit_registers_its_people_within_the_plans_limit(tree, contest):
    people = [make_person(f"选手{i}", tree.unit_a) for i in range(3)]
    register(contest, people[:2], actor=tree.unit_a_admin)
    with pytest.raises(Conflict) as refused:
        register(contest, people[2:], actor=tree.unit_a_admin)
    assert _code(refused) == CompetitionErrors.UNIT_LIMIT and "2" in str(refused.value.message)
    # 列名参赛 does not count towards the limit, and takes part in another event independently
    register(contest, people[2:], actor=tree.unit_a_admin, official=False)
    register(contest, people[:1], actor=tree.unit_a_admin, event="driving")
    with pytest.raises(Conflict) as twice:
        register(contest, people[:1], actor=tree.unit_a_admin)
    assert _code(twice) == CompetitionErrors.REGISTERED
    assert Contestant.objects.filter(activity=contest).count() == 4


def test_registration_is_refused_outside_the_units_scope_and_the_plans_events(tree, contest):
    other = make_person("乙选手", tree.unit_b)
    with pytest.raises(NotFound):
        contestant_register(actor=tree.unit_a_admin, activity_id=contest.pk, event="computer", person_id=other.pk)
    mine = make_person("甲选手", tree.unit_a)
    with pytest.raises(ValidationFailed) as unknown:
        contestant_register(actor=tree.unit_a_admin, activity_id=contest.pk, event="welding", person_id=mine.pk)
    assert _code(unknown) == CompetitionErrors.UNKNOWN_EVENT


def test_registration_asks_the_engines_eligibility(tree):
    contest = make_competition(tree.federation, org_types=["school"])
    with pytest.raises(Conflict) as refused:
        register(contest, [make_person("甲选手", tree.unit_a)], actor=tree.unit_a_admin)
    assert _code(refused) == CompetitionErrors.NOT_ELIGIBLE and "学校" in str(refused.value.message)


def test_withdrawal_before_the_draw_removes_the_contestants_records(tree, contest):
    contestant = register(contest, [make_person("甲选手", tree.unit_a)], actor=tree.unit_a_admin)[0]
    assert MetricRecord.objects.filter(metric="competition.contestants").count() == 1
    contestant_withdraw(actor=tree.unit_a_admin, contestant_id=contestant.pk)
    assert Contestant.objects.get(pk=contestant.pk).state == Contestant.State.WITHDRAWN
    assert not MetricRecord.objects.filter(metric="competition.contestants").exists()


def test_the_draw_is_recorded_reproducible_and_hands_the_practical_to_judging_under_numbers(tree, contest):
    people = [make_person(f"选手{i}", tree.unit_a) for i in range(2)] + [make_person("乙选手", tree.unit_b)]
    register(contest, people[:2], actor=tree.unit_a_admin)
    register(contest, people[2:], actor=tree.town_b_admin)
    draw = numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    numbers = dict(Contestant.objects.filter(activity=contest).values_list("pk", "number"))
    assert sorted(numbers.values()) == [1, 2, 3]
    assert drawn_order(list(numbers), draw.seed) == sorted(numbers, key=numbers.get)
    with pytest.raises(Conflict) as again:
        numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    assert _code(again) == CompetitionErrors.DRAWN
    with pytest.raises(Conflict) as late:
        register(contest, [make_person("迟到", tree.unit_a)], actor=tree.unit_a_admin)
    assert _code(late) == CompetitionErrors.DRAWN and "报名已截止" in str(late.value.message)
    entries = Entry.objects.filter(activity=contest)
    assert entries.count() == 3 and set(entries.values_list("category", flat=True)) == {"computer"}
    assert not any("选手" in title for title in entries.values_list("title", flat=True))
    with pytest.raises(NotFound):  # a unit does not draw
        numbers_draw(actor=tree.unit_a_admin, activity_id=Draw.objects.get().activity_id, event="driving",
                     round_="final")


def _score_everything(activity, judges, values):
    """Each judge submits the sheets assigned to them: `values` by contestant number."""
    for assignment in Assignment.objects.filter(entry__activity=activity).select_related("entry"):
        contestant = Contestant.objects.get(pk=int(assignment.entry.source.removeprefix("contestant:")))
        judge = next(j for j in judges if j.pk == assignment.judge_id)
        score_save(actor=judge, assignment_id=assignment.pk, values={"skill": values[contestant.number]})
        sheet_submit(actor=judge, assignment_id=assignment.pk)


def test_a_ranking_from_judges_and_measures_signed_verified_published(tree, contest, second_admin):
    people = [make_person(name, tree.unit_a) for name in ("张一", "李二")] + [make_person("王三", tree.unit_b)]
    register(contest, people[:2], actor=tree.unit_a_admin)
    register(contest, people[2:], actor=tree.town_b_admin)
    unofficial = make_person("赵列名", tree.unit_b)
    register(contest, [unofficial], actor=tree.town_b_admin, official=False)
    numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    judges = event_judges(contest, [make_org("评委单位", parent=tree.federation)], actor=tree.committee_admin)
    assignment_auto(actor=tree.committee_admin, activity_id=contest.pk)
    by_person = {c.person_id: c for c in Contestant.objects.filter(activity=contest)}
    # 张一 and 王三 tie on everything but the time; 李二 is behind; 赵列名 is best but unofficial
    practical = {by_person[people[0].pk].number: 90, by_person[people[1].pk].number: 80,
                 by_person[people[2].pk].number: 90, by_person[unofficial.pk].number: 100}
    _score_everything(contest, judges, practical)
    measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={
        by_person[people[0].pk].pk: {"theory": "80", "time": "35"},
        by_person[people[1].pk].pk: {"theory": "95", "time": "30"},
        by_person[people[2].pk].pk: {"theory": "80", "time": "30"},
        by_person[unofficial.pk].pk: {"theory": "99", "time": "20"},
    })
    measures_enter(actor=tree.committee_admin, activity_id=contest.pk, reason="复核更正",
                   values={by_person[people[0].pk].pk: {"time": "36"}})
    change = MeasureChange.objects.filter(measure__contestant=by_person[people[0].pk], measure__component="time"
                                          ).order_by("-pk").first()
    assert (change.old, change.new, change.reason) == (Decimal("35.0000"), Decimal("36.0000"), "复核更正")

    ranking = ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    standings = {s.contestant.person_id: s for s in Standing.objects.filter(ranking=ranking)
                 .select_related("contestant")}
    # totals: 80×0.3 + 90×0.7 = 87 for 张一 and 王三 (王三 faster: 1st), 李二 95×0.3 + 80×0.7 = 84.5
    assert standings[people[2].pk].position == 1 and standings[people[0].pk].position == 2
    assert standings[people[1].pk].position == 3 and standings[people[1].pk].total == Decimal("84.5")
    assert standings[unofficial.pk].position is None and standings[unofficial.pk].order == 1
    assert standings[people[1].pk].values == {"theory": "95.0000", "practical": "80.0000", "time": "30.0000"}
    assert ranked_results(contest, subject=Subject.PERSON) == []  # not published

    with pytest.raises(Conflict) as unsigned:
        ranking_verify(actor=second_admin, ranking_id=ranking.pk)
    assert _code(unsigned) == CompetitionErrors.RANKING_STATE
    ranking_sign(actor=judges[0], ranking_id=ranking.pk)
    with pytest.raises(Conflict) as same:
        ranking_verify(actor=tree.committee_admin, ranking_id=ranking.pk)
    assert _code(same) == JudgingErrors.SAME_PERSON
    with pytest.raises(Conflict) as early:
        ranking_publish(actor=tree.committee_admin, ranking_id=ranking.pk)
    assert _code(early) == CompetitionErrors.RANKING_STATE
    ranking_verify(actor=second_admin, ranking_id=ranking.pk)
    with pytest.raises(Conflict) as locked:
        measures_enter(actor=tree.committee_admin, activity_id=contest.pk,
                       values={by_person[people[0].pk].pk: {"time": "10"}})
    assert _code(locked) == CompetitionErrors.LOCKED
    ranking_publish(actor=tree.committee_admin, ranking_id=ranking.pk)
    assert Ranking.objects.get(pk=ranking.pk).state == Ranking.State.PUBLISHED

    (published,) = ranked_results(contest, subject=Subject.PERSON)
    assert [(e.name, e.position) for e in published.entries] == [
        ("赵列名", None), ("王三", 1), ("张一", 2), ("李二", 3)]
    assert published.title == "计算机操作 · 决赛"
    assert MetricRecord.objects.filter(metric="competition.places").count() == 3
    # A unit admin sees the entries of their own units only
    (own,) = ranked_results(contest, subject=Subject.PERSON, user=tree.unit_a_admin)
    assert {e.name for e in own.entries} == {"张一", "李二"}


def test_a_chief_judge_must_be_on_the_events_panel(tree, contest):
    register(contest, [make_person("甲选手", tree.unit_a)], actor=tree.unit_a_admin)
    numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    ranking = ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    outsider = make_org("别处", parent=tree.federation)
    other_judges = event_judges(contest, [outsider], actor=tree.committee_admin, event="driving")
    with pytest.raises(NotFound):
        ranking_sign(actor=other_judges[0], ranking_id=ranking.pk)
    with pytest.raises(NotFound):
        ranking_sign(actor=tree.unit_a_admin, ranking_id=ranking.pk)


def test_advancement_enters_the_best_of_each_preliminary_in_the_next_round(tree, second_admin):
    settings = competition_settings(rounds=[
        {"key": "prelim", "title": "初赛", "groups_by": ["town_federation"], "advance": {"top": 1}},
        {"key": "final", "title": "决赛"}])
    settings["events"] = [{"key": "computer", "title": "计算机操作",
                           "components": [{"key": "theory", "label": "理论", "source": "measured", "weight": 100}]}]
    del settings["judging"]
    contest = make_competition(tree.federation, settings=settings)
    a = register(contest, [make_person("甲一", tree.unit_a), make_person("甲二", tree.unit_a)],
                 actor=tree.unit_a_admin)
    b = register(contest, [make_person("乙一", tree.unit_b)], actor=tree.town_b_admin)
    numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="prelim")
    measures_enter(actor=tree.committee_admin, activity_id=contest.pk,
                   values={a[0].pk: {"theory": 70}, a[1].pk: {"theory": 90}, b[0].pk: {"theory": 50}})
    ranking = ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer",
                              round_="prelim")
    # one ranking per town: 甲二 first in 七里镇, 乙一 first in 沙州镇
    positions = dict(Standing.objects.filter(ranking=ranking).values_list("contestant__person__name", "position"))
    assert positions == {"甲二": 1, "甲一": 2, "乙一": 1}
    ranking_sign(actor=tree.committee_admin, ranking_id=ranking.pk)
    ranking_verify(actor=second_admin, ranking_id=ranking.pk)
    ranking_publish(actor=tree.committee_admin, ranking_id=ranking.pk)
    finalists = Contestant.objects.filter(activity=contest, round="final")
    assert set(finalists.values_list("person__name", flat=True)) == {"甲二", "乙一"}
    assert all(c.advanced_from_id for c in finalists)
    assert MetricRecord.objects.filter(metric="competition.finalists").count() == 2
    assert len(ranked_results(contest, subject=Subject.PERSON)) == 2  # one per preliminary


def test_refusals_name_what_is_missing(tree, contest):
    with pytest.raises(Conflict) as empty:
        numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    assert _code(empty) == CompetitionErrors.NO_CONTESTANTS
    contestant = register(contest, [make_person("甲选手", tree.unit_a)], actor=tree.unit_a_admin)[0]
    with pytest.raises(Conflict) as undrawn:
        ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    assert _code(undrawn) == CompetitionErrors.NOT_DRAWN
    with pytest.raises(ValidationFailed) as judged:
        measures_enter(actor=tree.committee_admin, activity_id=contest.pk,
                       values={contestant.pk: {"practical": "90"}})
    assert _code(judged) == CompetitionErrors.NOT_MEASURED
    for bad in ("九十", "-1", "1e12", "NaN"):
        with pytest.raises(ValidationFailed) as wrong:
            measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={contestant.pk: {"time": bad}})
        assert _code(wrong) == CompetitionErrors.BAD_VALUE and "用时" in str(wrong.value.message)
    assert not MeasureChange.objects.exists()  # nothing half-written


def test_the_plan_check_explains_bad_competition_settings():
    from pydantic import ValidationError

    from suzhi.competitions.settings import CompetitionSettings

    with pytest.raises(ValidationError) as bad:
        CompetitionSettings.model_validate(competition_settings(
            events=[{"key": "a", "title": "甲", "components": [
                {"key": "x", "label": "理论", "source": "measured", "weight": 40}], "tie_break": ["y"]}],
            rounds=[{"key": "r1", "title": "初赛"}, {"key": "r2", "title": "决赛"}]))
    text = str(bad.value)
    assert "权重合计为40，应为100。" in text
    assert "“y”不是该项目的计分部分。" in text
    assert "请说明哪些选手进入下一轮。" in text


def test_the_short_form_of_the_dunhuang_plan_reads():
    from suzhi.competitions.settings import CompetitionSettings

    settings = CompetitionSettings.model_validate({"events": ["计算机操作", "汽车驾驶"], "rounds": ["决赛"]})
    assert [(e.key, e.title, [c.key for c in e.components]) for e in settings.events] == [
        ("e1", "计算机操作", ["result"]), ("e2", "汽车驾驶", ["result"])]
    assert [(r.key, r.title) for r in settings.rounds] == [("r1", "决赛")] and not settings.judged()
