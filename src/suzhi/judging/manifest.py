"""Judging's one registration (评审): a shared module, not a kind; collections and competitions judge with it."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from suzhi.core.manifests import ApiMount, AppManifest, UsageCount
from suzhi.core.navigation import MINE, WORK, NavItem

MANAGE = "judging.manage"  # organisers: panels, entries, assignment, results (scoped by the activity's organiser)
SCORE = "judging.score"  # judges (评委): score the entries assigned to them
VERIFY = "judging.verify"  # check computed results (a second person)

MANIFEST = AppManifest(
    permission_group=_("Expert judging"),
    permissions=(
        (MANAGE, _("Manage judging: panels, assignment of judges, results")),
        (VERIFY, _("Verify judging results computed by someone else")),
        (SCORE, _("Score the entries assigned to me as a judge")),
    ),
    log_actions=(
        ("judging.panel_set", _("Set judging panel")),
        ("judging.entries_put", _("Hand entries to judging")),
        ("judging.entries_withdraw", _("Withdraw entries from judging")),
        ("judging.conflict_declare", _("Declare conflict of interest")),
        ("judging.assignment_auto", _("Assign judges automatically")),
        ("judging.assignment_add", _("Assign judge")),
        ("judging.assignment_remove", _("Remove judge from entry")),
        ("judging.score_save", _("Save score")),
        ("judging.sheet_submit", _("Submit score sheet")),
        ("judging.sheet_reopen", _("Reopen score sheet")),
        ("judging.sheets_import", _("Import paper score sheets")),
        ("judging.results_compute", _("Compute judging results")),
        ("judging.results_verify", _("Verify judging results")),
        ("judging.results_publish", _("Publish judging results")),
    ),
    log_object_types=(
        ("judging.panel", _("judging panel")),
        ("judging.entry", _("judged entry")),
        ("judging.declaredconflict", _("declared conflict")),
        ("judging.assignment", _("judging assignment")),
        ("judging.resultset", _("judging results")),
    ),
    # Also written: value, organisation, reason (labelled by the core and the campaigns already).
    log_details={
        "judges": pgettext_lazy("log detail", "Judges"),
        "entries": pgettext_lazy("log detail", "Entries"),
        "entry": pgettext_lazy("log detail", "Entry"),
        "judge": pgettext_lazy("log detail", "Judge"),
        "criterion": pgettext_lazy("log detail", "Criterion"),
        "total": pgettext_lazy("log detail", "Total"),
        "state": pgettext_lazy("log detail", "State"),
        "assignments": pgettext_lazy("log detail", "Assignments"),
        "category": pgettext_lazy("log detail", "Category"),
        "withdrawn": pgettext_lazy("log detail", "Withdrawn"),
        "sheets_scored": pgettext_lazy("log detail", "Sheets given scores"),
        "sheets_submitted": pgettext_lazy("log detail", "Sheets submitted"),
    },
    navigation=(
        NavItem("judging_mine", _("My judging"), "judging:my_entries", SCORE, 18, group=MINE),
        NavItem("judging", _("Expert judging"), "judging:activity_list", MANAGE, 55, group=WORK),
    ),
    urls="suzhi.judging.urls",
    url_prefix="judging/",
    api=(ApiMount("/judging", "suzhi.judging.api.judging:router"),
         ApiMount("/judging/paper-sheets", "suzhi.judging.api.paper:router")),
    usage=(
        UsageCount("judged_entries", _("judged entries"), ("judging.Entry.organisation",
                                                          "judging.Entry.nominating_organisation")),
        UsageCount("judging_conflicts", _("declared conflicts"), ("judging.DeclaredConflict.organisation",)),
    ),
)
