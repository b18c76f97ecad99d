"""Forms of the certificates' pages. They check shape; the services decide the rest (placeholders included)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.certificates.manifest import MANAGE
from suzhi.certificates.models import CertificateTemplate
from suzhi.certificates.services.revoke import REASON_MAX
from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.models import Organisation
from suzhi.core.selectors.users import organisations_for


class CertificateFilterForm(forms.Form):
    q = forms.CharField(label=_("Number, code or recipient"), required=False, max_length=100)
    issuer = OrgChoiceField(Organisation.objects.none(), label=_("Issuing organisation"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("", _("All")), ("valid", _("In force")), ("revoked", _("Revoked"))])

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"] = OrgChoiceField(organisations_for(user=user, permission=MANAGE), permission=MANAGE,
                                               label=_("Issuing organisation"), required=False,
                                               empty_label=_("All organisations"))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))


class TemplateForm(forms.Form):
    heading = forms.CharField(label=_("Heading"), max_length=CertificateTemplate._meta.get_field("heading").max_length)
    body = forms.CharField(label=_("Body"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    closing = forms.CharField(label=_("Closing"), required=False, max_length=100)
    signature = forms.CharField(label=_("Signature line"), required=False, max_length=200,
                                help_text=_("Empty: the issuing organisation's name."))

    def __init__(self, *args, help_text: str = "", **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if help_text:
            self.fields["body"].help_text = help_text
