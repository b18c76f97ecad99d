"""The demo's collections: submissions at every level in the three Dunhuang activities, loaded once; the worker
may submit a suggestion today and the town login has a queue."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from suzhi.collections.demo import load_collection_demo
from suzhi.collections.models import Submission
from suzhi.collections.selectors.submissions import Tab, queue
from suzhi.core import demo
from suzhi.core.models import Organisation, User

pytestmark = pytest.mark.django_db


def test_the_loader_is_registered():
    assert "load_collection_demo" in [loader.__name__ for loader in demo._LOADERS]
    assert callable(load_collection_demo)


def test_demo_collections_at_every_level(client):
    call_command("demo")
    rows = Submission.objects.filter(activity__campaign__code="dunhuang-2024")
    keys = set(rows.values_list("activity__key", flat=True))
    assert keys == {"suggestions", "innovations", "shuangchuang"}
    states = set(rows.values_list("state", flat=True))
    assert {"submitted", "under_review", "returned", "rejected", "accepted"} <= states
    assert set(rows.values_list("level", flat=True)) == {0, 1, 2}
    town = Organisation.objects.get(code="DH-QLZ")
    assert queue(organisation=town, activity=None, tab=Tab.RECEIVED).paginator.count > 0
    worker = User.objects.get(username="zhigong")
    assert rows.filter(submitted_by=worker, state="submitted").count() == 1
    from suzhi.campaigns.eligibility import may_take_part

    suggestions = rows.filter(activity__key="suggestions").first().activity
    assert may_take_part(worker.person, "submit", suggestions)
    total = rows.count()
    call_command("demo")
    assert Submission.objects.count() == total
    # The accepted submissions were judged: the suggestions' results are published, and the printed judge has
    # technical innovations left to score today, on the page his login opens.
    from suzhi.judging.models import Assignment, ResultSet
    from suzhi.judging.selectors.results import published_results

    assert ResultSet.objects.get(activity=suggestions).state == ResultSet.State.PUBLISHED
    assert published_results(suggestions)
    from suzhi.collections.models import Decision  # the plan's awards applied: adopted suggestions to show

    assert Decision.objects.filter(submission__activity=suggestions, adopted=True, award="采纳").exists()
    from suzhi.collections.models import Implementation  # one adopted suggestion implemented and confirmed

    shown = Implementation.objects.filter(submission__activity=suggestions)
    assert sorted(shown.values_list("status", flat=True)) == ["implemented", "in_progress"]
    confirmed = shown.get(status="implemented")
    assert confirmed.confirmed_by.username == "zuweihui" and confirmed.measured_benefit > 0
    judge = User.objects.get(username="pingwei")
    waiting = Assignment.objects.filter(judge=judge, state=Assignment.State.ASSIGNED)
    assert waiting.exists() and {a.entry.activity.key for a in waiting} == {"innovations"}
    client.force_login(judge)
    page = client.get(reverse("judging:my_entries")).content.decode()
    assert all(a.entry.blind_label in page for a in waiting)
