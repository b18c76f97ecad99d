from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "suzhi.submissions"
    label = "submissions"
    verbose_name = _("Collections")

    def ready(self) -> None:
        from suzhi.campaigns.kinds import register_kind
        from suzhi.submissions.manifest import MANIFEST

        register_kind(MANIFEST)
