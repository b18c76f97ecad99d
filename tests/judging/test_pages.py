import pytest
from django.urls import reverse

from suzhi.judging.models import Assignment, ResultSet
from suzhi.judging.services.assignments import assignment_auto
from tests.core.factories import UserFactory, grant
from tests.judging.factories import make_activity, make_judge, put_entries, set_panel, units
from tests.people.factories import make_person


@pytest.fixture
def judged(tree):
    activity = make_activity(tree.town_a, blind=True, judges_per_entry=1)
    author = make_person("张发明", tree.unit_a)
    judges = [make_judge(org) for org in units(tree.town_b, 2)]
    set_panel(activity, judges, actor=tree.town_a_admin)
    put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=2, author_person_ids=[author.pk])
    assignment_auto(actor=tree.town_a_admin, activity_id=activity.pk)
    return activity, judges


def test_a_judge_scores_on_the_sheet_page(login_client, tree, judged):
    _activity, judges = judged
    client = login_client(judges[0])
    listing = client.get(reverse("judging:my_entries"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "七里镇" not in html and "张发明" not in html
    assignment = Assignment.objects.get(judge=judges[0])
    url = reverse("judging:sheet", args=[assignment.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'inputmode="decimal"' in page.content.decode()
    assert "七里镇" not in page.content.decode()
    client.post(url, {"tech": "20", "benefit": "20", "action": "save"})
    assert Assignment.objects.get(pk=assignment.pk).scores.count() == 2
    client.post(url, {"scope": "20", "use": "20", "action": "submit"})
    assert Assignment.objects.get(pk=assignment.pk).state == "submitted"
    other = Assignment.objects.get(judge=judges[1])
    assert client.get(reverse("judging:sheet", args=[other.pk])).status_code == 404


def test_a_judge_without_assignments_sees_an_empty_list(login_client, tree):
    page = login_client(make_judge(tree.unit_b)).get(reverse("judging:my_entries"))
    assert page.status_code == 200


def test_admin_pages_and_the_results_steps(login_client, tree, judged):
    activity, judges = judged
    client = login_client(tree.town_a_admin)
    assert client.get(reverse("judging:activity_list")).status_code == 200
    page = client.get(reverse("judging:activity", args=[activity.pk]))
    assert page.status_code == 200 and judges[0].full_name in page.content.decode()
    assert client.post(reverse("judging:activity", args=[activity.pk]), {"action": "assign"}).status_code == 302
    entry = Assignment.objects.first().entry
    local = make_judge(tree.unit_a)
    client.post(reverse("judging:activity", args=[activity.pk]),
                {"judges": [judges[0].pk, judges[1].pk, local.pk], "category": ""})
    detail = client.get(reverse("judging:entry", args=[entry.pk]))
    assert detail.status_code == 200 and local.full_name in detail.content.decode()
    results_url = reverse("judging:results", args=[activity.pk])
    client.post(results_url, {"action": "compute"})
    assert ResultSet.objects.get().state == "draft"
    client.post(results_url, {"action": "verify"})  # refused: the same person
    assert ResultSet.objects.get().state == "draft"
    checker = UserFactory(organisation=tree.town_a)
    grant(checker, "town_admin", tree.town_a)
    login_client(checker).post(results_url, {"action": "verify"})
    assert ResultSet.objects.get().state == "verified"
    client = login_client(tree.town_a_admin)
    client.post(results_url, {"action": "publish"})
    assert ResultSet.objects.get().state == "published"
    assert client.get(results_url).status_code == 200


def test_another_town_gets_404_on_the_admin_pages(login_client, tree, judged):
    activity, _judges = judged
    client = login_client(tree.town_b_admin)
    entry = Assignment.objects.first().entry
    for url in (reverse("judging:activity", args=[activity.pk]), reverse("judging:results", args=[activity.pk]),
                reverse("judging:entry", args=[entry.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("judging:results", args=[activity.pk]), {"action": "compute"}).status_code == 404


def test_a_mistyped_score_comes_back_beside_its_field_with_the_rest_kept(login_client, tree, judged):
    _activity, judges = judged
    assignment = Assignment.objects.get(judge=judges[0])
    client = login_client(judges[0])
    url = reverse("judging:sheet", args=[assignment.pk])
    response = client.post(url, {"tech": "20", "benefit": "999", "action": "save"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="tech"' in page and 'value="20"' in page  # what the judge typed stays
    assert "最多为 30。" in page  # the reason, beside 经济效益
    assert "效益10万元以上：10—30分" in page  # the open-ended band of the rubric
    assert not assignment.scores.exists()  # nothing half-saved
    # An incomplete sheet: what was typed is saved, the submit is refused with the reason on the page
    response = client.post(url, {"tech": "20", "action": "submit"})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode() or 'role="alert"' in response.content.decode()
    assert list(assignment.scores.values_list("criterion", flat=True)) == ["tech"]
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.ASSIGNED


def test_the_admin_pages_head_the_columns_with_the_words_of_judging(login_client, tree, judged):
    """In Chinese the entries' category is 类别 (not the roster's 人员类别) and the results' place 名次 (not a
    training session's 地点)."""
    activity, _judges = judged
    client = login_client(tree.town_a_admin)
    client.post(reverse("judging:results", args=[activity.pk]), {"action": "compute"})
    entries = client.get(reverse("judging:activity", args=[activity.pk])).content.decode()
    assert "<th>类别</th>" in entries and "人员类别" not in entries
    results = client.get(reverse("judging:results", args=[activity.pk])).content.decode()
    assert '<th class="num">名次</th>' in results and "地点" not in results


def test_published_results_lead_on_to_the_activity_page_of_its_kind(login_client, tree, judged):
    """After publishing, the organiser is shown the way to the kind's page of the activity, where what follows
    from the results is done (a collection's awards and adoption from its review queue)."""
    activity, _judges = judged
    url = reverse("judging:results", args=[activity.pk])
    onward = f'href="{reverse("collections:queue")}?activity={activity.pk}"'
    client = login_client(tree.town_a_admin)
    client.post(url, {"action": "compute"})
    assert onward not in client.get(url).content.decode()
    checker = UserFactory(organisation=tree.town_a)
    grant(checker, "town_admin", tree.town_a)
    login_client(checker).post(url, {"action": "verify"})
    client = login_client(tree.town_a_admin)
    client.post(url, {"action": "publish"})
    html = client.get(url).content.decode()
    assert onward in html and f"前往{activity.title}继续办理" in html
