"""The forms of the honours pages: adding a recipient by hand and removing one, each with its reason. They read
and check input only; the services write."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.models import Campaign
from suzhi.campaigns.plan.schema import AwardRule
from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.models import Organisation
from suzhi.core.selectors.users import organisations_for
from suzhi.honours.manifest import MANAGE, VIEW
from suzhi.honours.rules import titles_of
from suzhi.people.models import Person


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class AddForm(forms.Form):
    """A recipient by hand: a unit, and for an award to people the person's name on that unit's roster."""

    organisation = OrgChoiceField(Organisation.objects.none(), label=_("Unit"), permission=MANAGE)
    name = forms.CharField(label=_("Name"), max_length=100, required=False,
                           help_text=_("As on the unit's roster."))
    title = forms.ChoiceField(label=_("Title conferred"))
    basis = forms.CharField(label=_("Basis"), max_length=300, required=False,
                            help_text=_("For example 酒泉市职工技能大赛 计算机操作 第2名."))
    position = forms.IntegerField(label=_("Place"), min_value=1, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, campaign: Campaign, rule: AwardRule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        tree = Organisation.objects.filter(path__startswith=campaign.organiser.path)
        self.fields["organisation"] = OrgChoiceField(tree, label=_("Unit"), permission=MANAGE)
        self.fields["title"] = forms.ChoiceField(label=_("Title conferred"), choices=[(t, t) for t in titles_of(rule)])
        if rule.recipient == "organisation":
            del self.fields["name"]
        else:
            self.fields["name"].required = True
        self.person: Person | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit, name = data.get("organisation"), (data.get("name") or "").strip()
        if self.rule.recipient == "person" and unit is not None and name:
            found = list(Person.objects.filter(organisation=unit, name=name, is_active=True)[:2])
            if not found:
                self.add_error("name", _("Nobody of that name is on the unit's roster."))
            elif len(found) > 1:
                self.add_error("name", _("Several people of that name are on the unit's roster; add the person "
                                         "through the API by their id."))
            else:
                self.person = found[0]
        return data


class RollFilterForm(forms.Form):
    """光荣榜 of one organisation and those below it, among the viewer's own in the campaign's tree."""

    organisation = OrgChoiceField(Organisation.objects.none(), label=_("Organisation"), required=False)

    def __init__(self, *args: Any, user: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mine = organisations_for(user=user, permission=VIEW).filter(path__startswith=campaign.organiser.path)
        self.fields["organisation"] = OrgChoiceField(mine, label=_("Organisation"), required=False, permission=VIEW)
