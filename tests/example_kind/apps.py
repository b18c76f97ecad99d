from django.apps import AppConfig


class ExampleKindConfig(AppConfig):
    """A kind added the way the issue asks: its own folder and one line in INSTALLED_APPS (here through
    SUZHI_EXTRA_APPS=tests.example_kind, so only the kind-platform test installs it)."""

    name = "tests.example_kind"
    label = "example_kind"
    verbose_name = "读书活动"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from suzhi.campaigns.kinds import register_kind
        from tests.example_kind.manifest import MANIFEST

        register_kind(MANIFEST)
