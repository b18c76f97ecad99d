from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "suzhi.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from suzhi.campaigns.kinds import register_kind
        from suzhi.certificates.sources import register_source
        from suzhi.training.manifest import MANIFEST

        register_kind(MANIFEST)
        # Certificates of hours are the platform's certificates; the verification page asks these for what changed.
        register_source("training.hours", label=_("Certificate of training hours"),
                        digest="suzhi.training.selectors.certificates.hours_digest",
                        facts="suzhi.training.selectors.certificates.hours_facts")
