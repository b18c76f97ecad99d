"""The competition API: the same operations as the pages, scoped. Another town gets 404 and changes nothing, a
unit registers but cannot draw, enter results or publish, refusals carry their codes, and the paged lists' queries
do not grow with the contestants."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.competitions.models import Contestant, Draw, Measure, Ranking
from suzhi.competitions.services.draw import numbers_draw
from suzhi.competitions.services.measures import measures_enter
from suzhi.competitions.services.rankings import ranking_compute
from tests.competitions.factories import make_competition, measured_settings, register
from tests.people.factories import make_person
from tests.support import make_participant

pytestmark = pytest.mark.django_db

API = "/api/v1/competitions"
STAGE = {"event": "computer", "round": "final"}


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_a_competition_from_registration_to_published_standings(tree, contest, second_admin, api_client):
    person, worker = make_participant(tree, "王五")
    other = make_person("赵六", tree.unit_a)
    unit = api_client(tree.unit_a_admin)
    listed = unit.get(f"{API}/activities").json()
    assert [(a["id"], a["manage"]) for a in listed] == [(contest.pk, False)]
    assert listed[0]["events"][0]["title"] == "计算机操作" and listed[0]["events"][0]["per_unit"] == 2
    made = _post(unit, f"{API}/activities/{contest.pk}/registrations", {"event": "computer", "person": person.pk})
    assert made.status_code == 201 and made.json()["name"] == "王五" and made.json()["number"] is None
    twice = _post(unit, f"{API}/activities/{contest.pk}/registrations", {"event": "computer", "person": person.pk})
    assert twice.status_code == 409 and twice.json()["code"] == "already_registered"
    second = _post(unit, f"{API}/activities/{contest.pk}/registrations",
                   {"event": "computer", "person": other.pk, "official": False}).json()
    assert [r["official"] for r in unit.get(f"{API}/activities/{contest.pk}/registrations").json()] == [True, False]
    # A unit neither draws, nor enters results, nor computes
    assert _post(unit, f"{API}/activities/{contest.pk}/draw", STAGE).status_code == 403
    assert _post(unit, f"{API}/activities/{contest.pk}/measures", {"values": {}}).status_code == 403
    assert _post(unit, f"{API}/activities/{contest.pk}/rankings", STAGE).status_code == 403
    assert unit.get(f"{API}/activities/{contest.pk}/contestants", STAGE).status_code == 403

    committee = api_client(tree.committee_admin)
    drawn = _post(committee, f"{API}/activities/{contest.pk}/draw", STAGE)
    assert drawn.status_code == 201 and drawn.json()["contestants"] == 2 and drawn.json()["seed"]
    again = _post(committee, f"{API}/activities/{contest.pk}/draw", STAGE)
    assert again.status_code == 409 and again.json()["code"] == "already_drawn"
    unit = api_client(tree.unit_a_admin)
    late = _post(unit, f"{API}/registrations/{second['id']}/withdraw")
    assert late.status_code == 409 and late.json()["code"] == "already_drawn"

    committee = api_client(tree.committee_admin)
    page = committee.get(f"{API}/activities/{contest.pk}/contestants", STAGE).json()
    assert page["count"] == 2 and sorted(c["number"] for c in page["items"]) == [1, 2]
    ids = {c["name"]: c["id"] for c in page["items"]}
    bad = _post(committee, f"{API}/activities/{contest.pk}/measures", {"values": {ids["王五"]: {"theory": "九十"}}})
    assert bad.status_code == 422 and bad.json()["code"] == "bad_value" and not Measure.objects.exists()
    entered = _post(committee, f"{API}/activities/{contest.pk}/measures", {"values": {
        ids["王五"]: {"theory": 90, "practical": "80"}, ids["赵六"]: {"theory": 99, "practical": 99}}})
    assert entered.status_code == 200 and entered.json() == {"changed": 4}
    ranking = _post(committee, f"{API}/activities/{contest.pk}/rankings", STAGE).json()
    assert ranking["state"] == "draft"
    assert _post(committee, f"{API}/rankings/{ranking['id']}/sign").json()["state"] == "signed"
    same = _post(committee, f"{API}/rankings/{ranking['id']}/verify")
    assert same.status_code == 409
    assert _post(api_client(second_admin), f"{API}/rankings/{ranking['id']}/verify").json()["state"] == "verified"
    unit = api_client(tree.unit_a_admin)
    assert _post(unit, f"{API}/rankings/{ranking['id']}/publish").status_code == 403
    committee = api_client(tree.committee_admin)
    assert _post(committee, f"{API}/rankings/{ranking['id']}/publish").json()["state"] == "published"
    standings = committee.get(f"{API}/activities/{contest.pk}/standings", STAGE).json()
    assert [(s["name"], s["position"]) for s in standings["items"]] == [("赵六", None), ("王五", 1)]
    assert standings["items"][1]["values"] == {"theory": "90.0000", "practical": "80.0000", "time": None}
    seen = api_client(tree.unit_a_admin).get(f"{API}/activities/{contest.pk}/standings", STAGE).json()
    assert seen["ranking"]["state"] == "published" and len(seen["items"]) == 2
    mine = api_client(worker).get(f"{API}/mine").json()
    assert [(m["event"], m["position"], m["published"]) for m in mine] == [("计算机操作", 1, True)]


def test_another_town_gets_404_and_changes_nothing(tree, api_client):
    contest = make_competition(tree.town_a, settings=measured_settings())
    (contestant,) = register(contest, [make_person("甲选手", tree.unit_a)], actor=tree.unit_a_admin)
    numbers_draw(actor=tree.town_a_admin, activity_id=contest.pk, event="computer", round_="final")
    ranking = ranking_compute(actor=tree.town_a_admin, activity_id=contest.pk, event="computer", round_="final")
    town_b = api_client(tree.town_b_admin)
    assert contest.pk not in [a["id"] for a in town_b.get(f"{API}/activities").json()]
    stranger = make_person("乙选手", tree.unit_b)
    for response in (
            town_b.get(f"{API}/activities/{contest.pk}/contestants", STAGE),
            town_b.get(f"{API}/activities/{contest.pk}/registrations"),
            town_b.get(f"{API}/activities/{contest.pk}/standings", STAGE),
            _post(town_b, f"{API}/activities/{contest.pk}/registrations", {"event": "computer",
                                                                            "person": stranger.pk}),
            _post(town_b, f"{API}/registrations/{contestant.pk}/withdraw"),
            _post(town_b, f"{API}/activities/{contest.pk}/draw", {"event": "driving", "round": "final"}),
            _post(town_b, f"{API}/activities/{contest.pk}/measures", {"values": {contestant.pk: {"theory": 1}}}),
            _post(town_b, f"{API}/activities/{contest.pk}/rankings", STAGE),
            _post(town_b, f"{API}/rankings/{ranking.pk}/sign"),
            _post(town_b, f"{API}/rankings/{ranking.pk}/verify"),
            _post(town_b, f"{API}/rankings/{ranking.pk}/publish")):
        assert response.status_code == 404, response.content
    assert Contestant.objects.filter(activity=contest).count() == 1 and Draw.objects.count() == 1
    assert not Measure.objects.exists() and Ranking.objects.get().state == Ranking.State.DRAFT


def _queries(client, url, params) -> int:
    client.get(url, params)  # the first request of a token fills the caches of roles
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_contestants_and_the_standings_take_as_many_queries_for_3_as_for_20(tree, api_client):
    counts = []
    for n in (3, 20):
        contest = make_competition(tree.federation, settings=measured_settings())
        register(contest, [make_person(f"选手{n}-{i}", tree.unit_a) for i in range(n)], actor=tree.unit_a_admin)
        numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
        measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={
            c.pk: {"theory": "80", "practical": str(50 + i)}
            for i, c in enumerate(Contestant.objects.filter(activity=contest))})
        ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
        client = api_client(tree.committee_admin)
        counts.append((_queries(client, f"{API}/activities/{contest.pk}/contestants", STAGE),
                       _queries(client, f"{API}/activities/{contest.pk}/standings", STAGE)))
    assert counts[0] == counts[1]
    assert len(client.get(f"{API}/activities/{contest.pk}/contestants", STAGE).json()["items"]) == 20
