from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PeopleConfig(AppConfig):
    name = "suzhi.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from suzhi.core import demo, navigation, oplog_actions, org_usage, permissions
        from suzhi.core.navigation import NavItem

        group = _("People")
        permissions.register("person.view", _("View the roster"), group)
        permissions.register("person.manage", _("Add, edit, transfer and deactivate people"), group)
        permissions.register("person.import", _("Import rosters from Excel"), group)
        org_usage.register("persons", _("people"), fields=["people.Person.organisation"])
        org_usage.register(
            "transfers", _("transfers"),
            fields=["people.PersonTransfer.from_organisation", "people.PersonTransfer.to_organisation"],
        )
        org_usage.register_derived("people.PersonCount.organisation")  # recounted from the roster
        navigation.register(NavItem("people", _("People"), "people:person_list", "person.view", 35))
        from suzhi.people.demo import load_people_demo

        demo.register_loader(load_people_demo)
        demo.register_loader(demo.load_account_people)  # the demo accounts on the roster, before the contest
        from suzhi.core.auth_backend import LOGIN_RESOLVERS
        from suzhi.people.selectors.persons import login_by_id_number

        LOGIN_RESOLVERS.append(login_by_id_number)
        for code, label in (
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
        ):
            oplog_actions.register(code, label)
        oplog_actions.register_details({
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
        })
