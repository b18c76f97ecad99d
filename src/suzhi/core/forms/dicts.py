"""Forms of the dictionary and system-parameter pages. The services do the real validation."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.core.models import SystemParameter


class DictTypeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=64,
        help_text=_("Lowercase letters, digits and _; programs and imports refer to it."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)

    def __init__(self, *args: Any, code_locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if code_locked:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Built-in dictionary: the program looks it up by this code.")


class DictItemCreateForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=64,
        help_text=_("Cannot be changed later: records store it."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    label = forms.CharField(label=_("Label"), max_length=100)
    label_en = forms.CharField(label=_("English label"), max_length=100, required=False)
    sort_order = forms.IntegerField(label=_("Sort order"), initial=0)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class DictItemEditForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100)
    label_en = forms.CharField(label=_("English label"), max_length=100, required=False)
    sort_order = forms.IntegerField(label=_("Sort order"))
    is_active = forms.BooleanField(label=_("Active"), required=False)


class ParamForm(forms.Form):
    """One parameter's value; the widget follows the parameter's type."""

    key = forms.CharField(widget=forms.HiddenInput)
    value = forms.CharField(label=_("Value"), required=False, max_length=1000, strip=False)

    def __init__(self, *args: Any, param: SystemParameter, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"key": param.key, "value": param.value})
        # Every parameter is its own <form> on one page; ids must still be unique there.
        kwargs.setdefault("auto_id", f"id_{param.key}_%s")
        super().__init__(*args, **kwargs)
        self.param = param
        field = self.fields["value"]
        field.label = param.name
        field.help_text = param.description
        if param.value_type == SystemParameter.ValueType.BOOL:
            field.widget = forms.Select(choices=[("true", _("Yes")), ("false", _("No"))])
            self.initial["value"] = "true" if param.value.strip().lower() in {"1", "true", "yes", "on", "是"} \
                else "false"
        elif param.value_type == SystemParameter.ValueType.INT:
            # Text, not type=number: the server's message explains a bad value in every browser.
            field.widget = forms.TextInput(attrs={"inputmode": "numeric"})
