from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "suzhi.competitions"
    label = "competitions"
    verbose_name = _("Skill competitions")

    def ready(self) -> None:
        from suzhi.campaigns.kinds import register_kind
        from suzhi.competitions.manifest import MANIFEST

        register_kind(MANIFEST)
