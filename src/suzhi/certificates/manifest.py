"""The certificates' one registration (证书): a shared module, not a kind. Training's certificates of hours and
the honours' 荣誉证书 are issued through it; anyone verifies a code on one public page (/verify/)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from suzhi.core.manifests import ApiMount, AppManifest, UsageCount
from suzhi.core.navigation import WORK, NavItem

MANAGE = "certificates.manage"  # the issuer's administrators: list, download, revoke; campaigns' templates

MANIFEST = AppManifest(
    permission_group=_("Certificates"),
    permissions=(
        (MANAGE, _("Manage certificates: list, download and revoke them, edit certificate templates")),
    ),
    log_actions=(
        ("certificates.issue", _("Issue certificate")),
        ("certificates.issue_batch", _("Issue certificates in a batch")),
        ("certificates.revoke", _("Revoke certificate")),
        ("certificates.template_save", _("Edit certificate template")),
    ),
    log_object_types=(
        ("certificates.certificate", _("certificate")),
        ("certificates.certificatetemplate", _("certificate template")),
    ),
    log_details={
        "number": pgettext_lazy("log detail", "Certificate number"),
        "kind": pgettext_lazy("log detail", "Kind"),
        "holder": pgettext_lazy("log detail", "Certificate holder"),
        "count": pgettext_lazy("log detail", "Count"),
        "heading": pgettext_lazy("log detail", "Heading"),
        "body": pgettext_lazy("log detail", "Body"),
        "closing": pgettext_lazy("log detail", "Closing"),
        "signature": pgettext_lazy("log detail", "Signature line"),
    },
    navigation=(
        NavItem("certificates", _("Certificates"), "certificates:certificate_list", MANAGE, 70, group=WORK),
    ),
    urls="suzhi.certificates.urls",
    url_prefix="",
    api=(ApiMount("/certificates", "suzhi.certificates.api.certificates:router"),),
    usage=(
        UsageCount("certificates", _("certificates"),
                   ("certificates.Certificate.issuer", "certificates.Certificate.organisation")),
    ),
    # An issuer's running count of numbers: an organisation without certificates (the counter above) has no use
    # for it, and it goes with the organisation.
    usage_derived=("certificates.CertificateSequence.issuer",),
)
