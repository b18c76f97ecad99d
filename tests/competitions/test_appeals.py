"""Appeals (申诉): filed with a reason within the plan's days by the contestant or their unit, a correction proposed
beside the old value (or dismissed with a reason), approved by a second person; the ranking follows and every
change is kept."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from suzhi.competitions.error_codes import CompetitionErrors
from suzhi.competitions.models import Appeal, Measure, MeasureChange, Ranking, Standing
from suzhi.competitions.services.appeals import appeal_approve, appeal_dismiss, appeal_file, appeal_propose
from suzhi.competitions.services.draw import numbers_draw
from suzhi.competitions.services.measures import measures_enter
from suzhi.competitions.services.rankings import ranking_compute, ranking_publish, ranking_sign, ranking_verify
from suzhi.competitions.states import APPEAL_TRANSITIONS, AppealStep, appeal_transition
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.judging.error_codes import JudgingErrors
from tests.competitions.factories import competition_settings, make_competition, register
from tests.core.factories import UserFactory, grant
from tests.people.factories import make_person

SETTINGS = competition_settings()
SETTINGS["events"] = [{"key": "computer", "title": "计算机操作", "components": [
    {"key": "theory", "label": "理论", "source": "measured", "weight": 100},
    {"key": "time", "label": "用时", "source": "measured", "better": "lower"}], "tie_break": ["time"]}]
del SETTINGS["judging"]


@pytest.fixture
def published(tree):
    """Three contestants ranked 甲 (90), 乙 (80), 丙 (70), published."""
    contest = make_competition(tree.federation, settings=SETTINGS)
    worker = tree.participant_a
    people = [make_person("甲", tree.unit_a), make_person("乙", tree.unit_a, user=worker),
              make_person("丙", tree.unit_b)]
    contestants = register(contest, people[:2], actor=tree.unit_a_admin) + register(contest, people[2:],
                                                                                      actor=tree.town_b_admin)
    numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={
        c.pk: {"theory": score, "time": 30} for c, score in zip(contestants, (90, 80, 70), strict=True)})
    second = UserFactory(username="committee2", organisation=tree.committee)
    grant(second, "committee_admin", tree.committee)
    ranking = ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    ranking_sign(actor=tree.committee_admin, ranking_id=ranking.pk)
    ranking_verify(actor=second, ranking_id=ranking.pk)
    ranking_publish(actor=tree.committee_admin, ranking_id=ranking.pk)
    return contest, contestants, second


def test_the_appeal_table():
    assert appeal_transition(AppealStep.PROPOSE, Appeal.State.FILED) == Appeal.State.PROPOSED
    for (step, state) in [(AppealStep.APPROVE, Appeal.State.FILED), (AppealStep.PROPOSE, Appeal.State.APPROVED),
                          (AppealStep.DISMISS, Appeal.State.APPROVED), (AppealStep.APPROVE, Appeal.State.DISMISSED)]:
        assert (step, state) not in APPEAL_TRANSITIONS
        with pytest.raises(Conflict) as refused:
            appeal_transition(step, state)
        assert str(refused.value.code) == CompetitionErrors.APPEAL_STATE


def test_a_contestant_appeals_a_correction_is_approved_and_the_ranking_follows(tree, published):
    _contest, (first, second_place, _third), verifier = published
    appeal = appeal_file(actor=tree.participant_a, contestant_id=second_place.pk, component="theory",
                         reason="理论试卷第5题漏判。")
    assert (appeal.value_before, appeal.position_before) == (Decimal("80.0000"), 2)
    proposed = appeal_propose(actor=tree.committee_admin, appeal_id=appeal.pk, value="95", note="复查属实，加15分。")
    assert proposed.state == Appeal.State.PROPOSED and proposed.value_after == Decimal("95.0000")
    with pytest.raises(Conflict) as same:
        appeal_approve(actor=tree.committee_admin, appeal_id=appeal.pk)
    assert str(same.value.code) == JudgingErrors.SAME_PERSON
    approved = appeal_approve(actor=verifier, appeal_id=appeal.pk)
    assert approved.state == Appeal.State.APPROVED and (approved.position_before, approved.position_after) == (2, 1)
    positions = dict(Standing.objects.values_list("contestant_id", "position"))
    assert positions[second_place.pk] == 1 and positions[first.pk] == 2
    assert Ranking.objects.get().state == Ranking.State.PUBLISHED
    change = MeasureChange.objects.filter(measure__contestant=second_place, measure__component="theory").last()
    assert (change.old, change.new) == (Decimal("80.0000"), Decimal("95.0000")) and "漏判" in change.reason


def test_dismissed_with_a_reason_and_the_ranking_unchanged(tree, published):
    _contest, contestants, _verifier = published
    appeal = appeal_file(actor=tree.town_b_admin, contestant_id=contestants[2].pk, component="time", reason="计时有误")
    with pytest.raises(ValidationFailed) as bare:
        appeal_dismiss(actor=tree.committee_admin, appeal_id=appeal.pk, note=" ")
    assert str(bare.value.code) == CompetitionErrors.APPEAL_REASON
    assert appeal_dismiss(actor=tree.committee_admin, appeal_id=appeal.pk, note="经核对录像，计时无误。").state == \
        Appeal.State.DISMISSED
    assert dict(Standing.objects.values_list("contestant_id", "position"))[contestants[2].pk] == 3


def test_who_may_appeal_and_when(tree, published):
    contest, contestants, _verifier = published
    with pytest.raises(NotFound):  # another unit's contestant
        appeal_file(actor=tree.unit_a_admin, contestant_id=contestants[2].pk, component="theory", reason="不服")
    with pytest.raises(NotFound):  # a worker appeals only for themselves
        appeal_file(actor=tree.participant_a, contestant_id=contestants[0].pk, component="theory", reason="不服")
    ranking = Ranking.objects.get(activity=contest)
    late = ranking.published_at + datetime.timedelta(days=4)
    with pytest.raises(Conflict) as closed:
        appeal_file(actor=tree.unit_a_admin, contestant_id=contestants[0].pk, component="theory", reason="不服",
                    now=late)
    assert str(closed.value.code) == CompetitionErrors.APPEAL_CLOSED and "3" in str(closed.value.message)
    appeal_file(actor=tree.unit_a_admin, contestant_id=contestants[0].pk, component="theory", reason="不服")
    with pytest.raises(Conflict) as twice:
        appeal_file(actor=tree.unit_a_admin, contestant_id=contestants[0].pk, component="theory", reason="再次")
    assert str(twice.value.code) == CompetitionErrors.APPEAL_OPEN
    with pytest.raises(NotFound):  # a unit does not decide appeals
        appeal_propose(actor=tree.unit_a_admin, appeal_id=Appeal.objects.get().pk, value="99", note="自己改")


def test_a_corrected_value_records_when_and_by_whom_and_a_bad_one_names_the_components_label(tree, published):
    contest, contestants, verifier = published
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Measure.objects.update(entered_at=long_ago)
    appeal = appeal_file(actor=tree.participant_a, contestant_id=contestants[1].pk, component="theory",
                         reason="漏判")
    with pytest.raises(ValidationFailed) as bad:
        appeal_propose(actor=tree.committee_admin, appeal_id=appeal.pk, value="九十五", note="复查")
    assert "理论" in str(bad.value.message) and "theory" not in str(bad.value.message)
    appeal_propose(actor=tree.committee_admin, appeal_id=appeal.pk, value="95", note="复查属实")
    appeal_approve(actor=verifier, appeal_id=appeal.pk)
    corrected = Measure.objects.get(contestant=contestants[1], component="theory")
    assert corrected.entered_by == verifier and corrected.entered_at > long_ago
    untouched = Measure.objects.get(contestant=contestants[0], component="theory")
    assert untouched.entered_at == long_ago


def test_a_value_entered_again_records_when(tree):
    contest = make_competition(tree.federation, settings=SETTINGS)
    (contestant,) = register(contest, [make_person("甲", tree.unit_a)], actor=tree.unit_a_admin)
    measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={contestant.pk: {"theory": 80}})
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Measure.objects.update(entered_at=long_ago)
    measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={contestant.pk: {"theory": 85}})
    assert Measure.objects.get().entered_at > long_ago
