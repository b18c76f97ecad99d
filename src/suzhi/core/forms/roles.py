"""Forms of the role pages."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.core.forms.fields import OrgMultipleChoiceField
from suzhi.core.models import Organisation, Role
from suzhi.core.permissions import REGISTRY, grouped
from suzhi.core.selectors.users import organisations_for


class RoleForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=64,
        help_text=_("Lowercase letters, digits, _ and -, starting with a letter. Programs refer to it."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    permissions = forms.MultipleChoiceField(label=_("Permissions"), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    data_scope = forms.ChoiceField(label=_("Data scope"), choices=Role.DataScope.choices, widget=forms.RadioSelect,
                                   initial=Role.DataScope.SUBTREE)
    custom_organisations = OrgMultipleChoiceField(
        Organisation.objects.none(), permission="role.manage", label=_("Custom organisations"), required=False,
        help_text=_("For the custom data scope: these organisations and everything below them."),
    )

    def __init__(self, *args: Any, actor: Any, role: Role | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["permissions"]).choices = [
            (item.code, str(item.label)) for item in REGISTRY.values()
        ]
        cast(forms.ModelMultipleChoiceField, self.fields["custom_organisations"]).queryset = organisations_for(
            user=actor, permission="role.manage"
        ).order_by("path")
        self.fields["custom_organisations"].widget.attrs["size"] = 8
        if role is not None and role.is_builtin:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Built-in roles keep their code.")

    def basic_fields(self) -> list[forms.BoundField]:
        return [self["code"], self["name"], self["description"]]

    def permission_groups(self) -> list[dict[str, Any]]:
        """The permission checkboxes grouped as the registry groups them, for the template."""
        chosen = set(self["permissions"].value() or [])
        return [
            {
                "name": group,
                "items": [
                    {"code": item.code, "label": str(item.label), "checked": item.code in chosen}
                    for item in items
                ],
            }
            for group, items in grouped()
        ]

