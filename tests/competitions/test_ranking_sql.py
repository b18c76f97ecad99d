"""On PostgreSQL the database ranks an event (services/rankings_sql.py); it must write the same standings as
ranking.py does in Python, ties, 列名参赛, missing values, preliminaries, advancement and the judges' scores
included."""

import random
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suzhi.competitions.access import settings_of
from suzhi.competitions.models import Contestant, Draw, Measure, Ranking, Standing
from suzhi.competitions.services.rankings import _advancement, _unit_groups, standings_in_python, standings_write
from suzhi.competitions.services.rankings_sql import standings_in_database
from suzhi.judging.models import Assignment, Entry
from tests.competitions.factories import competition_settings, make_competition
from tests.core.factories import UserFactory, make_org
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the database ranks on PostgreSQL only")


def _both(ranking, settings, event, round_):
    standings_in_python(ranking, settings, event, round_)
    python = _rows(ranking)
    Standing.objects.filter(ranking=ranking).delete()
    rule = _advancement(round_) if settings.next_round(round_.key) else None
    standings_in_database(ranking, event, rule, _unit_groups(ranking.activity, event.key, round_))
    return python, _rows(ranking)


def _rows(ranking):
    return sorted(Standing.objects.filter(ranking=ranking).values_list(
        "contestant_id", "total", "position", "order", "group_id", "advances", "values"))


def _contest(tree, advance, judged=False, aggregation="trimmed"):
    rounds = [{"key": "prelim", "title": "初赛", "groups_by": ["town_federation"], "advance": advance},
              {"key": "final", "title": "决赛"}]
    components = [{"key": "theory", "label": "理论", "source": "measured", "weight": 30},
                  {"key": "practical", "label": "实操", "source": "judging" if judged else "measured",
                   "weight": 70},
                  {"key": "time", "label": "用时", "source": "measured", "better": "lower"}]
    data = competition_settings(rounds=rounds)
    data["events"] = [{"key": "computer", "title": "计算机操作", "components": components,
                       "tie_break": ["practical", "theory", "time"]}]
    data["judging"]["aggregation"], data["judging"]["trim"], data["judging"]["min_judges_for_trim"] = \
        aggregation, 1, 3
    activity = make_competition(tree.federation, settings=data)
    Draw.objects.create(activity=activity, event="computer", round="prelim", seed="t", drawn_by=tree.committee_admin)
    return activity


values = st.one_of(st.none(), st.integers(0, 4).map(lambda n: Decimal(n * 25)),
                   st.decimals(min_value=0, max_value=100, places=2))
people = st.lists(st.tuples(values, values, values, st.booleans(), st.sampled_from("ab")), min_size=1, max_size=12)
rules = st.sampled_from([{"top": 2}, {"top": 2, "ties": "exclude"}, {"percent": 50}, {"score_line": 50}])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=people, advance=rules)
def test_the_database_ranks_as_python_does(tree, data, advance):
    with transaction.atomic():  # each example in its own savepoint, rolled back
        _compare(tree, data, advance)
        transaction.set_rollback(True)


def _compare(tree, data, advance):
    activity = _contest(tree, advance)
    units = {"a": tree.unit_a, "b": tree.unit_b}
    for index, (theory, practical, time, official, unit) in enumerate(data):
        person = make_person(f"选手{index}", units[unit])
        contestant = Contestant.objects.create(activity=activity, event="computer", round="prelim", person=person,
                                               organisation=units[unit], official=official, number=index + 1,
                                               registered_by=tree.committee_admin)
        for key, value in (("theory", theory), ("practical", practical), ("time", time)):
            if value is not None:
                Measure.objects.create(contestant=contestant, component=key, value=value,
                                       entered_by=tree.committee_admin)
    settings_ = settings_of(activity)
    ranking = Ranking.objects.create(activity=activity, event="computer", round="prelim",
                                     computed_by=tree.committee_admin)
    python, database = _both(ranking, settings_, settings_.event("computer"), settings_.round("prelim"))
    assert database == python


@pytest.mark.parametrize("aggregation", ["trimmed", "median"])
def test_the_judges_scores_and_an_appeals_correction(tree, aggregation):
    activity = _contest(tree, {"top": 1}, judged=True, aggregation=aggregation)
    judges = UserFactory.create_batch(4, organisation=make_org("评委单位", parent=tree.federation))
    rng = random.Random(3)
    for index in range(6):
        unit = tree.unit_a if index % 2 else tree.unit_b
        contestant = Contestant.objects.create(
            activity=activity, event="computer", round="prelim", person=make_person(f"选手{index}", unit),
            organisation=unit, number=index + 1, registered_by=tree.committee_admin)
        Measure.objects.create(contestant=contestant, component="theory", value=rng.choice([60, 80]),
                               entered_by=tree.committee_admin)
        entry = Entry.objects.create(activity=activity, source=f"contestant:{contestant.pk}", title="x",
                                     category="computer", organisation=unit, blind_label=f"A-{index:04d}")
        for judge in judges[: 2 + index % 3]:
            Assignment.objects.create(entry=entry, judge=judge, state=Assignment.State.SUBMITTED,
                                      total=Decimal(rng.choice([70, 80, 85, 90])))
        if index == 5:  # an appeal's correction of the judged score
            Measure.objects.create(contestant=contestant, component="practical", value=99,
                                   entered_by=tree.committee_admin)
    settings_ = settings_of(activity)
    ranking = Ranking.objects.create(activity=activity, event="computer", round="prelim",
                                     computed_by=tree.committee_admin)
    if aggregation == "median":  # the database does not take medians: standings_write ranks in Python then
        standings_write(ranking, settings_, settings_.event("computer"), settings_.round("prelim"))
        written = _rows(ranking)
        Standing.objects.filter(ranking=ranking).delete()
        standings_in_python(ranking, settings_, settings_.event("computer"), settings_.round("prelim"))
        assert written == _rows(ranking)
        return
    python, database = _both(ranking, settings_, settings_.event("computer"), settings_.round("prelim"))
    assert database == python
    assert any(row[2] == 1 for row in database) and any(row[5] for row in database)
