from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "suzhi.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        from suzhi.core import org_usage, permissions, todos  # noqa: F401 - permissions registers the codes
        from suzhi.core.manifest import MANIFEST
        from suzhi.core.manifests import register_app
        from suzhi.core.selectors.notices import unread_notice_todos

        org_usage.register_core_counters()
        todos.register("notices_unread", unread_notice_todos)
        register_app(MANIFEST, name="core")
