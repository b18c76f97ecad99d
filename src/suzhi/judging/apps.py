from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JudgingConfig(AppConfig):
    name = "suzhi.judging"
    label = "judging"
    verbose_name = _("Expert judging")

    def ready(self) -> None:
        from suzhi.core.manifests import register_app
        from suzhi.judging.manifest import MANIFEST

        register_app(MANIFEST, name="judging")
