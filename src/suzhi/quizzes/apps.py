from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "suzhi.quizzes"
    label = "quizzes"
    verbose_name = _("Knowledge contests")

    def ready(self) -> None:
        from suzhi.campaigns.kinds import register_kind
        from suzhi.quizzes.manifest import MANIFEST

        register_kind(MANIFEST)
