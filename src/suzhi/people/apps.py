from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "suzhi.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from suzhi.core.auth_backend import LOGIN_RESOLVERS
        from suzhi.core.manifests import register_app
        from suzhi.people.manifest import MANIFEST
        from suzhi.people.selectors.persons import login_by_id_number

        register_app(MANIFEST, name="people")
        LOGIN_RESOLVERS.append(login_by_id_number)
