"""Reporting and confirming the implementation of adopted suggestions through the services: every status change
on a stored implementation, the four-eyes rule (neither an author nor the benefit's reporter confirms), a changed
benefit clearing the confirmation, the statistics against hand counts, decisions applied again, another town."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction

from suzhi.campaigns.models import MetricRecord, TargetValue
from suzhi.campaigns.services.targets import targets_refresh
from suzhi.collections.implementation import TRANSITIONS, Status
from suzhi.collections.models import Decision, Implementation, ImplementationStep
from suzhi.collections.services.decisions import decisions_apply
from suzhi.collections.services.implementation import implementation_confirm, implementation_report
from suzhi.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from suzhi.core.models import OperationLog
from tests.collections.decided import adopted_activity
from tests.core.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

TARGETS = [
    {"key": "implemented", "title": "采纳建议实施数", "metric": "collection.implemented", "form": "total",
     "threshold": 1, "deadline": "open"},
    {"key": "benefit", "title": "经确认的实测效益", "metric": "collection.benefit_confirmed", "form": "total",
     "threshold": 1, "deadline": "open"},
]


@pytest.fixture
def adopted(tree):
    return adopted_activity(tree, targets=TARGETS)


def _report(actor, item, status, benefit=None, note=""):
    return implementation_report(actor=actor, submission_id=item.pk, status=status, measured_benefit=benefit,
                                 note=note)


def _confirm(actor, item, comment=""):
    return implementation_confirm(actor=actor, submission_id=item.pk, comment=comment)


def _facts(item):
    return {r.metric: r.quantity for r in MetricRecord.objects.filter(
        source=f"submission:{item.pk}", metric__in=["collection.implemented", "collection.benefit_confirmed"])}


def test_every_status_change_on_a_stored_implementation(tree, adopted):
    _activity, items = adopted
    author = items[0].submitted_by
    _report(author, items[0], "not_started")
    for before in Status:
        for after in Status:
            Implementation.objects.filter(submission=items[0]).update(status=before, measured_benefit=None)
            try:
                with transaction.atomic():
                    done = _report(tree.unit_a_admin, items[0], after)
            except Conflict as refused:
                assert after not in TRANSITIONS[before], (before, after)
                assert refused.code == "implementation_status"
                assert Implementation.objects.get(submission=items[0]).status == before
            else:
                assert after in TRANSITIONS[before], (before, after)
                assert done.status == after and done.reported_by == tree.unit_a_admin
    steps = ImplementationStep.objects.filter(implementation__submission=items[0], action="report")
    assert steps.count() == 1 + sum(len(afters) for afters in TRANSITIONS.values())


def test_the_author_reports_and_a_reviewer_confirms(tree, adopted):
    _activity, items = adopted
    author = items[0].submitted_by
    _report(author, items[0], "in_progress", note="已立项")
    done = _report(author, items[0], "implemented", "3.50", note="已完成改造")
    assert (done.status, done.measured_benefit, done.benefit_reported_by) == ("implemented", Decimal("3.50"), author)
    with pytest.raises(PermissionDenied) as caught:
        _confirm(author, items[0])
    assert caught.value.code == "confirm_by_author"
    confirmed = _confirm(tree.town_a_admin, items[0], "经核实")
    assert confirmed.confirmed_by == tree.town_a_admin and confirmed.confirmed_at is not None
    with pytest.raises(Conflict) as again:
        _confirm(tree.committee_admin, items[0])
    assert again.value.code == "confirm_not_now"
    steps = list(ImplementationStep.objects.filter(implementation=confirmed).values_list(
        "action", "from_status", "to_status", "benefit_after", "actor"))
    assert steps == [("report", "not_started", "in_progress", None, author.pk),
                     ("report", "in_progress", "implemented", Decimal("3.50"), author.pk),
                     ("confirm", "implemented", "implemented", Decimal("3.50"), tree.town_a_admin.pk)]
    logged = OperationLog.objects.filter(object_id=str(items[0].pk), action__startswith="collection.implementation")
    assert list(logged.order_by("pk").values_list("action", flat=True)) == [
        "collection.implementation_report", "collection.implementation_report", "collection.implementation_confirm"]
    assert _facts(items[0]) == {"collection.implemented": 1, "collection.benefit_confirmed": pytest.approx(3.5)}


def test_the_reporter_of_the_benefit_cannot_confirm_it(tree, adopted):
    _activity, items = adopted
    _report(tree.town_a_admin, items[1], "implemented", "2")
    with pytest.raises(PermissionDenied) as caught:
        _confirm(tree.town_a_admin, items[1])
    assert caught.value.code == "confirm_by_reporter"
    # A later report by the unit that leaves the benefit as it was keeps who reported the benefit: the town still
    # may not confirm it, the unit may.
    _report(tree.unit_a_admin, items[1], "implemented", "2", note="补充说明")
    with pytest.raises(PermissionDenied):
        _confirm(tree.town_a_admin, items[1])
    assert _confirm(tree.unit_a_admin, items[1]).confirmed_by == tree.unit_a_admin


def test_confirming_needs_an_implemented_suggestion_with_a_benefit(tree, adopted):
    _activity, items = adopted
    with pytest.raises(Conflict) as nothing:
        _confirm(tree.town_a_admin, items[0])
    assert nothing.value.code == "confirm_not_now"
    _report(items[0].submitted_by, items[0], "in_progress", "1")
    with pytest.raises(Conflict):
        _confirm(tree.town_a_admin, items[0])
    _report(items[0].submitted_by, items[0], "implemented")
    with pytest.raises(Conflict):
        _confirm(tree.town_a_admin, items[0])
    assert not Implementation.objects.get(submission=items[0]).confirmed


@pytest.mark.parametrize(("change", "clears"), [
    ({"status": "implemented", "benefit": "4"}, True),
    ({"status": "in_progress", "benefit": "3.5"}, True),
    ({"status": "implemented", "benefit": "3.50", "note": "只改说明"}, False),
])
def test_a_changed_benefit_or_status_clears_the_confirmation(tree, adopted, change, clears):
    _activity, items = adopted
    _report(items[0].submitted_by, items[0], "implemented", "3.5")
    _confirm(tree.town_a_admin, items[0])
    assert _facts(items[0])
    done = _report(items[0].submitted_by, items[0], change["status"], change["benefit"], change.get("note", ""))
    assert done.confirmed is not clears
    assert bool(_facts(items[0])) is not clears
    last = ImplementationStep.objects.filter(implementation=done).last()
    assert last.cleared_confirmation is clears
    assert ImplementationStep.objects.filter(implementation=done, action="confirm").count() == 1  # history kept
    if clears:
        assert OperationLog.objects.filter(action="collection.implementation_report").order_by("pk").last().after[
            "confirmation_cleared"] is True
        if done.status == "implemented":
            assert _confirm(tree.committee_admin, items[0]).confirmed


def test_only_adopted_suggestions_have_an_implementation(tree, adopted):
    _activity, items = adopted
    with pytest.raises(Conflict) as caught:
        _report(items[2].submitted_by, items[2], "implemented", "1")
    assert caught.value.code == "not_adopted"
    assert not Implementation.objects.exists()


def test_another_town_and_other_workers_get_not_found(tree, adopted):
    _activity, items = adopted
    _report(items[0].submitted_by, items[0], "implemented", "3")
    colleague = items[1].submitted_by  # same unit, not an author of 建议0
    outsider = UserFactory(organisation=tree.unit_b)
    grant(outsider, "unit_admin", tree.unit_b)
    for actor in (tree.town_b_admin, colleague, outsider):
        with pytest.raises(NotFound):
            _report(actor, items[0], "implemented", "9")
        with pytest.raises(NotFound):
            _confirm(actor, items[0])
    with pytest.raises(NotFound):
        _report(tree.committee_admin, SimpleNamespace(pk=999999), "in_progress")
    found = Implementation.objects.get(submission=items[0])
    assert found.measured_benefit == Decimal("3") and not found.confirmed
    # The other town confirms its own unit's suggestion.
    _report(items[3].submitted_by, items[3], "implemented", "2")
    assert _confirm(tree.town_b_admin, items[3]).confirmed


def test_the_statistics_against_hand_counts(tree, adopted):
    activity, items = adopted
    _report(items[0].submitted_by, items[0], "implemented", "3.5")
    _confirm(tree.town_a_admin, items[0])
    _report(items[1].submitted_by, items[1], "implemented", "10")  # reported, never confirmed: not counted
    _report(items[3].submitted_by, items[3], "implemented", "2.25")
    _confirm(tree.committee_admin, items[3])

    def value(key, org):
        targets_refresh(actor=None, campaign_id=activity.campaign_id)
        return TargetValue.objects.get(target__key=key, organisation=org).value

    assert value("implemented", tree.committee) == 2
    assert value("benefit", tree.committee) == pytest.approx(5.75)
    owners = dict(MetricRecord.objects.filter(metric="collection.implemented").values_list("source", "person_id"))
    first_authors = {f"submission:{item.pk}": item.authors.first().person_id for item in (items[0], items[3])}
    assert owners == first_authors
    _report(items[3].submitted_by, items[3], "implemented", "3")  # the confirmation goes: so does its count
    assert value("implemented", tree.committee) == 1
    assert value("benefit", tree.committee) == pytest.approx(3.5)


def test_applying_the_decisions_again_takes_back_what_is_no_longer_adopted(tree, adopted):
    activity, items = adopted
    for item in (items[0], items[1]):
        _report(item.submitted_by, item, "implemented", "1.5")
        _confirm(tree.town_a_admin, item)
    settings = dict(activity.settings)
    awards = settings["awards"]
    settings["awards"] = awards[:1]  # only 一等奖 (建议0) stays adopted
    activity.settings = settings
    activity.save(update_fields=["settings"])
    decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    assert not Decision.objects.get(submission=items[1]).adopted
    assert _facts(items[1]) == {} and set(_facts(items[0])) == {"collection.implemented",
                                                                "collection.benefit_confirmed"}
    kept = Implementation.objects.get(submission=items[1])  # the report and its confirmation stay on record
    assert kept.confirmed and kept.measured_benefit == Decimal("1.5")
    with pytest.raises(DomainError) as caught:
        _report(items[1].submitted_by, items[1], "implemented", "2")
    assert caught.value.code == "not_adopted"
    settings["awards"] = awards
    activity.settings = settings
    activity.save(update_fields=["settings"])
    decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    assert _facts(items[1]) == {"collection.implemented": 1, "collection.benefit_confirmed": pytest.approx(1.5)}
