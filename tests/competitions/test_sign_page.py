"""裁判长签字: a judge on an event's panel, who runs nothing, reaches the page from the menu, sees the computed
rankings of their panels (numbers only under blind judging, names otherwise, never an ID number or phone) and
signs; a judge of another event's panel gets 404, a participant neither sees the entry nor the page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suzhi.competitions.models import Contestant, Ranking
from suzhi.competitions.services.draw import numbers_draw
from suzhi.competitions.services.measures import measures_enter
from suzhi.competitions.services.rankings import ranking_compute
from tests.competitions.factories import event_judges, make_competition, measured_settings, register
from tests.judging.factories import RUBRIC
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db

KEYS = ("computer", "driving", "final", "theory", "practical")


def _computed(tree, *, blind: bool, more: int = 0):
    """计算机操作 computed (a draft) with 张一, 李二 and `more` contestants; its panel's judge and the 汽车驾驶
    panel's judge."""
    contest = make_competition(tree.federation, settings=measured_settings(judging={
        "rubric": RUBRIC, "judges_per_entry": 1, "blind": blind, "panels_by_category": True}))
    people = [make_person("张一", tree.unit_a, phone="13822220001"), make_person("李二", tree.unit_b,
                                                                                phone="13822220002")]
    register(contest, people[:1] + [make_person(f"选手{more}-{i}", tree.unit_a) for i in range(more)],
             actor=tree.unit_a_admin)
    register(contest, people[1:], actor=tree.town_b_admin)
    numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={
        c.pk: {"theory": 80 + i, "practical": 90} for i, c in enumerate(Contestant.objects.filter(activity=contest))})
    ranking = ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    (chief,) = event_judges(contest, [tree.unit_a], actor=tree.committee_admin, event="computer")
    (other,) = event_judges(contest, [tree.unit_b], actor=tree.committee_admin, event="driving")
    return contest, ranking, people, chief, other


def _shown(response) -> str:
    return re.sub(r'(href|action|data-[a-z-]+|value|name|id|for)="[^"]*"', "", response.content.decode())


def test_the_chief_judge_signs_through_the_page(tree, login_client):
    contest, ranking, people, chief, _other = _computed(tree, blind=True)
    client = login_client(chief)
    assert client.get(reverse("competitions:stage", args=[contest.pk, "computer", "final"])).status_code == 403
    home = client.get(reverse("competitions:sign_list"))
    html = home.content.decode()
    assert home.status_code == 200 and "裁判长签字" in html
    assert f'href="{reverse("competitions:sign_list")}"' in html  # the menu links the page
    url = reverse("competitions:sign", args=[ranking.pk])
    assert url in html.split("cp-to-sign")[1] and "计算机操作 · 决赛" in html
    page = client.get(url)
    html = page.content.decode()
    numbers = sorted(Contestant.objects.filter(activity=contest).values_list("number", flat=True))
    assert all(f'<td class="num">{n:03d}</td>' in html for n in numbers) and "cp-blind" in html
    for person in people:  # blind: numbers only
        assert person.name not in html and person.id_number not in html and person.phone not in html
    table = html.split("cp-standings-table")[1]
    assert "七里镇甲企业" not in table and "沙州镇乙企业" not in html and "cp-sign" in html
    for key in KEYS:
        assert key not in _shown(page), key
    signed = client.post(url, follow=True)
    assert "裁判长已签字" in signed.content.decode() and "cp-sign" not in signed.content.decode().split("</h1>")[1]
    ranking.refresh_from_db()
    assert (ranking.state, ranking.signed_by) == (Ranking.State.SIGNED, chief)
    twice = client.post(url, follow=True)
    assert "现在不能进行这一步" in twice.content.decode()
    listed = client.get(reverse("competitions:sign_list")).content.decode()
    assert url not in listed.split("cp-to-sign")[1].split("</ul>")[0] and url in listed.split("cp-signed")[1]


def test_names_are_shown_when_the_judging_is_not_blind(tree, login_client):
    _contest, ranking, people, chief, _other = _computed(tree, blind=False)
    html = login_client(chief).get(reverse("competitions:sign", args=[ranking.pk])).content.decode()
    table = html.split("cp-standings-table")[1]
    assert "张一" in table and "李二" in table and "七里镇甲企业" in table and "cp-blind" not in html
    for person in people:
        assert person.id_number not in html and person.phone not in html


def test_a_judge_of_another_events_panel_gets_404_and_a_participant_no_page(tree, login_client):
    _contest, ranking, _people, _chief, other = _computed(tree, blind=True)
    client = login_client(other)
    url = reverse("competitions:sign", args=[ranking.pk])
    assert url not in client.get(reverse("competitions:sign_list")).content.decode()
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Ranking.objects.get().state == Ranking.State.DRAFT
    worker = login_client(tree.participant_a)
    assert reverse("competitions:sign_list") not in worker.get(reverse("competitions:mine")).content.decode()
    assert worker.get(reverse("competitions:sign_list")).status_code == 403
    assert worker.post(url).status_code == 403


def test_the_signing_pages_take_as_many_queries_for_2_as_for_12_contestants(tree, login_client):
    counts = []
    for more in (0, 10):
        _contest, ranking, _people, chief, _other = _computed(tree, blind=False, more=more)
        client = login_client(chief)
        measured = []
        for url in (reverse("competitions:sign_list"), reverse("competitions:sign", args=[ranking.pk])):
            client.get(url)  # the first request of a login fills the caches of roles and menus
            with CaptureQueriesContext(connection) as queries:
                page = client.get(url)
            assert page.status_code == 200
            measured.append(len(queries))
        assert page.content.decode().count("<tr>") == 2 + more + 1  # the header and the contestants
        counts.append(measured)
    assert counts[0] == counts[1]
