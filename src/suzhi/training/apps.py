from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "suzhi.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from suzhi.campaigns.kinds import register_kind
        from suzhi.training.manifest import MANIFEST

        register_kind(MANIFEST)
