"""Forms of the roster pages. They check shape only; the services clean and decide the rest."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.models import Organisation
from suzhi.core.selectors.dicts import dict_choices
from suzhi.core.selectors.users import organisations_for
from suzhi.people.models import CATEGORY_DICT, EDUCATION_DICT, POLITICAL_DICT, Person, PersonAttribute

_BLANK = [("", "—")]


def _manage_orgs(actor: Any, **kwargs: Any) -> OrgChoiceField:
    return OrgChoiceField(
        organisations_for(user=actor, permission="person.manage").filter(is_active=True),
        permission="person.manage", **kwargs,
    )


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name, pinyin initials or last digits of ID"),
                                      "type": "search"}),
    )
    org = OrgChoiceField(Organisation.objects.none(), label=_("Organisation"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    active = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("1", _("Active")), ("0", _("Left")), ("", _("All"))],
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(
            organisations_for(user=viewer, permission="person.view"), permission="person.view",
            label=_("Organisation"), required=False, empty_label=_("All organisations"),
        )
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", str(_("All categories")))] + dict_choices(
            CATEGORY_DICT
        )


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    organisation = OrgChoiceField(Organisation.objects.none(), label=_("Organisation"))
    id_type = forms.ChoiceField(label=_("ID type"), choices=Person.IdType.choices, initial=Person.IdType.RESIDENT)
    id_number = forms.CharField(
        label=_("ID number"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("From the ID number")), *Person.Gender.choices],
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, help_text=_("Taken from a resident ID number when left empty."),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"), required=False, max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    categories = forms.MultipleChoiceField(label=_("Categories"), required=False, widget=forms.CheckboxSelectMultiple)
    post = forms.CharField(label=_("Post or job title"), required=False, max_length=100)
    education = forms.ChoiceField(label=_("Education"), required=False)
    political_status = forms.ChoiceField(label=_("Political status"), required=False)
    union_member = forms.BooleanField(label=_("Union member"), required=False)
    hire_date = forms.DateField(
        label=_("Hire date"), required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = _manage_orgs(actor, label=_("Organisation"))
        cast(forms.ChoiceField, self.fields["categories"]).choices = dict_choices(CATEGORY_DICT)
        cast(forms.ChoiceField, self.fields["education"]).choices = _BLANK + dict_choices(EDUCATION_DICT)
        cast(forms.ChoiceField, self.fields["political_status"]).choices = _BLANK + dict_choices(POLITICAL_DICT)
        if editing:
            # An organisation change is a transfer, made on its own page so a reason is recorded.
            del self.fields["organisation"]
            for name in ("id_number", "phone"):
                self.fields[name].help_text = _("Leave the masked value as it is to keep it.")
        self.attributes = list(PersonAttribute.objects.filter(is_active=True).select_related("dict_type"))
        for attribute in self.attributes:
            self.fields[f"extra_{attribute.key}"] = _attribute_field(attribute)

    def extra_values(self) -> dict[str, Any]:
        return {a.key: self.cleaned_data.get(f"extra_{a.key}") for a in self.attributes}


def _attribute_field(attribute: PersonAttribute) -> forms.Field:
    types = PersonAttribute.ValueType
    common: dict[str, Any] = {"label": attribute.label, "required": False}
    if attribute.value_type == types.CHOICE and attribute.dict_type is not None:
        return forms.ChoiceField(choices=_BLANK + dict_choices(attribute.dict_type.code), **common)
    if attribute.value_type == types.BOOL:
        return forms.ChoiceField(choices=[("", "—"), ("是", _("Yes")), ("否", _("No"))], **common)
    if attribute.value_type == types.DATE:
        return forms.CharField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), **common)
    if attribute.value_type == types.INT:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common)
    return forms.CharField(max_length=200, **common)


class TransferForm(forms.Form):
    to_organisation = OrgChoiceField(Organisation.objects.none(), label=_("Transfer to"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"] = _manage_orgs(actor, label=_("Transfer to"))


class DeactivateForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for leaving"), choices=Person.LeaveReason.choices)
    left_on = forms.DateField(
        label=_("Left on"), required=False, help_text=_("Today when left empty."),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
