"""Theory taken as a knowledge contest of the quiz kind: its published scores flow into the competition's ranking
through the results contract (no re-typing, no import of the quiz kind); a score typed in stands for a person the
contest has none for."""

from decimal import Decimal

import pytest

from suzhi.campaigns.models import Activity
from suzhi.competitions.models import Contestant, Standing
from suzhi.competitions.services.draw import numbers_draw
from suzhi.competitions.services.measures import measures_enter
from suzhi.competitions.services.rankings import ranking_compute
from suzhi.people.models import Person
from tests.people.factories import make_person
from tests.quizzes.test_ranked_results import contest  # noqa: F401 - the fixture: a scored knowledge contest

pytestmark = pytest.mark.django_db


def test_theory_scores_come_from_the_knowledge_contest(tree, contest):  # noqa: F811
    quiz_activity = contest.activity
    competition = Activity.objects.create(
        campaign=quiz_activity.campaign, key="skills", kind="competition", title="技能比赛", organiser=tree.federation,
        settings={"events": [{"key": "computer", "title": "计算机操作", "components": [
            {"key": "theory", "label": "理论", "source": "quiz", "quiz": quiz_activity.key, "weight": 100}]}],
            "rounds": [{"key": "final", "title": "决赛"}]})
    people = {p.name: p for p in Person.objects.filter(name__in=["甲", "乙", "丙"])}
    outsider = make_person("丁", tree.unit_a)  # took no part in the contest: the paper's score is typed in
    for person in [*people.values(), outsider]:
        Contestant.objects.create(activity=competition, event="computer", round="final", person=person,
                                  organisation=person.organisation, registered_by=tree.committee_admin)
    numbers_draw(actor=tree.committee_admin, activity_id=competition.pk, event="computer", round_="final")
    typed = Contestant.objects.get(activity=competition, person=outsider)
    measures_enter(actor=tree.committee_admin, activity_id=competition.pk, values={typed.pk: {"theory": "7"}})
    ranking = ranking_compute(actor=tree.committee_admin, activity_id=competition.pk, event="computer",
                              round_="final")
    standings = {s.contestant.person.name: (s.position, s.total) for s in
                 Standing.objects.filter(ranking=ranking).select_related("contestant__person")}
    assert standings == {"乙": (1, Decimal("8.0000")), "丁": (2, Decimal("7.0000")),
                         "甲": (3, Decimal("6.0000")), "丙": (3, Decimal("6.0000"))}
