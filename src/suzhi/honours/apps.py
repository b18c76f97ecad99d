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

        from suzhi.certificates.sources import register_source

        register_source("honour", label=_("Certificate of honour"), digest="suzhi.honours.certs.honour_digest",
                        facts="suzhi.honours.certs.honour_facts")
