"""The judges' combined scores a kind reads (combined_scores): on PostgreSQL the mean and the trimmed mean are
taken in the database; they must equal scoring.aggregate over the same sheets, ties at the extremes included."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suzhi.judging.models import Assignment, Entry
from suzhi.judging.scoring import aggregate
from suzhi.judging.selectors.results import combined_scores
from tests.core.factories import UserFactory
from tests.judging.factories import make_activity, put_entries

sheets = st.lists(st.lists(st.integers(0, 4).map(lambda n: Decimal(n * 25) / 4), max_size=7), min_size=1,
                  max_size=5)


@pytest.mark.parametrize("rule", [{"aggregation": "mean"}, {"aggregation": "median"},
                                  {"aggregation": "trimmed", "trim": 1, "min_judges_for_trim": 3},
                                  {"aggregation": "trimmed", "trim": 2, "min_judges_for_trim": 5}])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(totals=sheets)
def test_combined_scores_equal_the_aggregate(tree, rule, totals):
    activity = make_activity(tree.town_a, **rule)
    entries = put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=len(totals))
    judges = UserFactory.create_batch(max(len(t) for t in totals) or 1, organisation=tree.town_b)
    Assignment.objects.bulk_create([
        Assignment(entry=entry, judge=judges[j], state=Assignment.State.SUBMITTED, total=value)
        for entry, values in zip(entries, totals, strict=True) for j, value in enumerate(values)])
    Entry.objects.filter(pk=entries[-1].pk).update(category="other")
    expected = {entry.source: aggregate(values, method=rule["aggregation"], trim=rule.get("trim", 0),
                                        min_judges=rule.get("min_judges_for_trim", 0))
                for entry, values in zip(entries, totals, strict=True)}
    assert combined_scores(activity) == expected
    assert combined_scores(activity, category="other") == {entries[-1].source: expected[entries[-1].source]}
