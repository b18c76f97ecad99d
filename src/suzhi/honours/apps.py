from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "suzhi.honours"
    label = "honours"
    verbose_name = _("Honours")

    def ready(self) -> None:
        from suzhi.core.manifests import register_app
        from suzhi.honours.manifest import MANIFEST

        register_app(MANIFEST, name="honours")
