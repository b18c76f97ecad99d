from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "suzhi.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        from suzhi.core import org_usage

        org_usage.register_core_counters()
