"""A judge scoring online while an admin imports the same sheet from paper (PostgreSQL row locks): the import
locks the sheets it checks, so the judge's save waits and then finds the sheet submitted; nothing is lost or
saved twice."""

from decimal import Decimal

import pytest
from django.db import connection

from suzhi.core.errors import Conflict
from suzhi.judging.models import Assignment, ScoreChange
from suzhi.judging.services import paper as paper_services
from suzhi.judging.services.assignments import assignment_add
from suzhi.judging.services.paper import sheets_import
from suzhi.judging.services.scores import score_save
from tests.judging.factories import make_activity, make_judge, put_entries, set_panel
from tests.support import xlsx
from tests.threads import paused_inside, waits_for_a_lock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")


def test_a_judges_save_waits_for_the_import_of_the_same_sheet(tree, monkeypatch):
    activity = make_activity(tree.town_a, judges_per_entry=1)
    judge = make_judge(tree.unit_b, "wang01")
    set_panel(activity, [judge], actor=tree.town_a_admin)
    entry = put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=1)[0]
    sheet = assignment_add(actor=tree.town_a_admin, entry_id=entry.pk, judge_id=judge.pk)
    data = xlsx([["编号", "评委", "技术水平", "经济效益", "应用范围", "实用性"],
                 [entry.blind_label, "wang01", 30, 30, 20, 20]])
    outcome = []

    def online():
        try:
            score_save(actor=judge, assignment_id=sheet.pk, values={"tech": 1})
        except Conflict as refused:
            outcome.append(str(refused.code))

    # The import has checked and locked the sheet and is about to write; the judge's save waits for the row.
    with paused_inside(monkeypatch, paper_services, "scores_write",
                       lambda: sheets_import(actor=tree.town_a_admin, activity_id=activity.pk, data=data,
                                             filename="a.xlsx", dry_run=False)):
        waiting = waits_for_a_lock(online)
    waiting.join()
    assert outcome == ["sheet_submitted"]
    saved = Assignment.objects.get(pk=sheet.pk)
    assert saved.state == "submitted" and saved.total == Decimal("100")
    assert set(ScoreChange.objects.values_list("by_id", flat=True)) == {tree.town_a_admin.pk}
