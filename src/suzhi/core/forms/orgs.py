"""Forms of the organisation pages. They only shape input; the services decide what is valid."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.core.forms.imports import ImportUploadForm
from suzhi.core.org_fields import OrgTypes


class OrgForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=64, help_text=_("Unique; letters, digits, “-”, “_”, “.”"))
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    org_type = forms.ChoiceField(label=_("Type"))
    region_code = forms.CharField(
        label=_("Administrative region code"), max_length=12, required=False,
        help_text=_("6, 9 or 12 digits"), widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args: Any, types: OrgTypes, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "---------")] + [
            (item.code, item.display_label) for item in types.items
        ]


class OrgEditForm(OrgForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)


class OrgImportForm(ImportUploadForm):
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows only"), required=False,
        help_text=_("Otherwise a file with any error imports nothing"),
    )
