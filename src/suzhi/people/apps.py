from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
            ("person.import", _("Import people")),
            ("person.counts_rebuild", _("Recount people per organisation")),
            ("person.export", _("Export people")),
            ("person.pii_view", _("View full ID numbers and phones")),
        ):
            oplog_actions.register(code, label)
