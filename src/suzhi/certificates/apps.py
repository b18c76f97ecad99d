from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "suzhi.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from suzhi.certificates.manifest import MANIFEST
        from suzhi.core.manifests import register_app

        register_app(MANIFEST, name="certificates")
