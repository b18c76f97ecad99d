from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionsConfig(AppConfig):
    name = "suzhi.collections"
    label = "collections"
    verbose_name = _("Collections")

    def ready(self) -> None:
        from suzhi.campaigns.kinds import register_kind
        from suzhi.collections.manifest import MANIFEST

        register_kind(MANIFEST)
