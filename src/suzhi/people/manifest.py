"""The roster's manifest (人员名册): what the platform mounts for the people app, registered in `ready()`."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from suzhi.core.manifests import ApiMount, AppManifest, UsageCount
from suzhi.core.navigation import ORGANISATION, NavItem

MANIFEST = AppManifest(
    permission_group=_("People"),
    permissions=(
        ("person.view", _("View the roster")),
        ("person.manage", _("Add, edit, transfer and deactivate people")),
        ("person.import", _("Import rosters from Excel")),
    ),
    log_actions=(
        ("person.create", _("Add person")),
        ("person.update", _("Edit person")),
        ("person.transfer", _("Transfer person")),
        ("person.deactivate", _("Deactivate person")),
        ("person.reactivate", _("Reactivate person")),
        ("person.login_create", _("Create participant login")),
        ("person.account_link", _("Link account to person")),
        ("person.account_unlink", _("Unlink account from person")),
        ("person.accounts_create", _("Open accounts in bulk")),
        ("person.activation_reissue", _("Issue new activation codes")),
        ("person.import", _("Import people")),
        ("person.counts_rebuild", _("Recount people per organisation")),
        ("person.export", _("Export people")),
        ("person.pii_view", _("View full ID numbers and phones")),
        ("person.id_refused", _("ID number refused")),
    ),
    log_details={
        "categories": pgettext_lazy("log detail", "Person categories"),
        "reason": pgettext_lazy("log detail", "Reason"),
        "user_id": pgettext_lazy("log detail", "Login account"),
        "person_ids": pgettext_lazy("log detail", "People shown"),
        "groups": pgettext_lazy("log detail", "Groups counted"),
        "source": pgettext_lazy("log detail", "Where"),
        "count": pgettext_lazy("log detail", "Count"),
        "id_numbers": pgettext_lazy("log detail", "ID numbers (masked)"),
        "already": pgettext_lazy("log detail", "Already had an account"),
        "inactive": pgettext_lazy("log detail", "Left the unit"),
        "remaining": pgettext_lazy("log detail", "Left for another batch"),
        "no_account": pgettext_lazy("log detail", "Without an account"),
        "reissued": pgettext_lazy("log detail", "Codes reissued"),
    },
    navigation=(NavItem("people", _("People"), "people:person_list", "person.view", 35, group=ORGANISATION),),
    urls="suzhi.people.urls",
    url_prefix="people/",
    # More specific prefixes first: /people/imports is not a person's id.
    api=(
        ApiMount("/people/imports", "suzhi.people.api.imports:router"),
        ApiMount("/people/exports", "suzhi.people.api.exports:router"),
        ApiMount("/people/accounts", "suzhi.people.api.accounts:router"),
        ApiMount("/people", "suzhi.people.api.persons:router"),
    ),
    usage=(
        UsageCount("persons", _("people"), ("people.Person.organisation",)),
        UsageCount("transfers", _("transfers"),
                   ("people.PersonTransfer.from_organisation", "people.PersonTransfer.to_organisation")),
    ),
    usage_derived=("people.PersonCount.organisation",),  # recounted from the roster
    # The demo accounts go on the roster after the people, before the contest.
    demo_loaders=("suzhi.people.demo.load_people_demo", "suzhi.core.demo.load_account_people"),
)
