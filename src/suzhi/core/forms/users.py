"""Forms of the user pages and the API-token page. They check shape only; services decide the rest."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.models import Organisation, Role
from suzhi.core.passwords import ComplexityValidator
from suzhi.core.selectors.roles import roles_grantable
from suzhi.core.selectors.users import organisations_for


def _grantable_role_choices(actor: Any) -> list[tuple[str, str]]:
    return [(role.code, role.name) for role in roles_grantable(user=actor)]


class UserFilterForm(forms.Form):
    org = OrgChoiceField(Organisation.objects.none(), label=_("Organisation"), required=False,
                         empty_label=_("All organisations"))
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Username, name or last digits of phone"),
                                                      "type": "search"}))
    active = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Disabled"))],
    )
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(
            organisations_for(user=viewer, permission="user.view"), permission="user.view",
            label=_("Organisation"), required=False, empty_label=_("All organisations"),
        )
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", _("All roles"))] + [
            (code, name) for code, name in Role.objects.order_by("-is_builtin", "code").values_list("code", "name")
        ]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for `users_visible`; invalid filters are simply not applied."""
        data = self.cleaned_data if self.is_valid() else {}
        active = data.get("active", "")
        return {
            "org_id": data["org"].pk if data.get("org") else None,
            "q": data.get("q", ""),
            "is_active": {"1": True, "0": False}.get(active),
            "role_code": data.get("role", ""),
        }


class UserCreateForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150,
        help_text=_("3 to 150 characters: letters, digits and _ . - @. Used to log in."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    organisation = OrgChoiceField(Organisation.objects.none(), label=_("Organisation"))
    phone = forms.CharField(
        label=_("Mobile phone"), required=False, max_length=30,
        help_text=_("Optional. The person can also log in with it."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    password = forms.CharField(
        label=_("Initial password"), required=False, strip=False,
        help_text=_("Leave empty to generate one. The person must change it at first login."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    role_codes = forms.MultipleChoiceField(
        label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Held at the organisation chosen above."),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = OrgChoiceField(
            organisations_for(user=actor, permission="user.manage").filter(is_active=True),
            permission="user.manage", label=_("Organisation"),
        )
        cast(forms.ChoiceField, self.fields["role_codes"]).choices = _grantable_role_choices(actor)
        policy = ComplexityValidator().get_help_text()
        self.fields["password"].help_text = f"{self.fields['password'].help_text} {policy}"


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(
        label=_("Mobile phone"), required=False, max_length=30,
        help_text=_("Leave the masked number as it is to keep it."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    organisation = OrgChoiceField(Organisation.objects.none(), label=_("Organisation"))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = OrgChoiceField(
            organisations_for(user=actor, permission="user.manage"), permission="user.manage",
            label=_("Organisation"),
        )


class RoleAssignForm(forms.Form):
    role_code = forms.ChoiceField(label=_("Role"))
    organisation = OrgChoiceField(Organisation.objects.none(), label=_("Held at"))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role_code"]).choices = _grantable_role_choices(actor)
        self.fields["organisation"] = OrgChoiceField(
            organisations_for(user=actor, permission="user.manage").filter(is_active=True),
            permission="user.manage", label=_("Held at"),
        )


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. a script's name."))
    days = forms.IntegerField(
        label=_("Valid for (days)"), required=False, min_value=1, max_value=3650,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from suzhi.core.selectors.tokens import api_token_days, api_token_idle_days

        super().__init__(*args, **kwargs)
        self.fields["days"].help_text = _(
            "At most %(days)d days; leave empty for %(days)d. A token unused for %(idle)d days lapses."
        ) % {"days": api_token_days(), "idle": api_token_idle_days()}
