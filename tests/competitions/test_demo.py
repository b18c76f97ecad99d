"""The demo's city final: 计算机操作 scored by five judges, its ranking signed, verified and published; 汽车驾驶 open
for the units to register today, the unit login among them; loaded once."""

import pytest
from django.core.management import call_command

from suzhi.campaigns.eligibility import may_take_part
from suzhi.campaigns.results import Subject, ranked_results
from suzhi.competitions.models import Contestant, Ranking
from suzhi.core import demo
from suzhi.core.models import User
from suzhi.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_loader_is_registered():
    assert "load_competition_demo" in [loader.__name__ for loader in demo._LOADERS]


def test_demo_city_final():
    call_command("demo")
    contestants = Contestant.objects.filter(activity__campaign__code="dunhuang-2024", activity__key="city-contest")
    assert contestants.filter(event="computer").count() == 10
    assert contestants.filter(event="computer", official=False).count() == 1
    ranking = Ranking.objects.get(activity__key="city-contest", event="computer")
    assert ranking.state == Ranking.State.PUBLISHED
    assert ranking.signed_by.username == "pingwei2" and ranking.verified_by.username == "zuweihui"
    activity = ranking.activity
    (published,) = ranked_results(activity, subject=Subject.PERSON)
    positions = [e.position for e in published.entries if e.position is not None]
    assert positions[0] == 1 and len(positions) == 9 and positions == sorted(positions)
    assert [e for e in published.entries if e.position is None]  # 列名参赛, listed without a place
    # 汽车驾驶 is open: not drawn, and the unit login may register one of its people today
    assert not Ranking.objects.filter(activity=activity, event="driving").exists()
    unit_admin = User.objects.get(username="danwei")
    person = Person.objects.filter(organisation=unit_admin.organisation, is_active=True).exclude(
        pk__in=contestants.values("person_id")).first()
    assert may_take_part(person, "register", activity)
    total = contestants.count()
    call_command("demo")
    assert Contestant.objects.filter(activity=activity).count() == total
