"""Forms of the organiser's training pages. They check shape; the services decide the rest."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.models import Activity
from suzhi.campaigns.selectors.campaigns import campaigns_visible
from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.forms.imports import ImportUploadForm
from suzhi.core.models import Organisation
from suzhi.core.selectors.dicts import dict_choices
from suzhi.core.selectors.users import organisations_for
from suzhi.people.models import CATEGORY_DICT
from suzhi.training.models import TrainingSession
from suzhi.training.selectors.sessions import MANAGE, VIEW

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def training_activities(user: Any) -> QuerySet[Activity]:
    """The training activities of the campaigns the user sees."""
    return (Activity.objects.select_related("campaign")
            .filter(kind="training", campaign__in=campaigns_visible(user=user))
            .order_by("-campaign__year", "campaign__code", "position"))


def _activity_choices(user: Any) -> list[tuple[str, str]]:
    return [(str(a.pk), f"{a.campaign.title} · {a.title}") for a in training_activities(user)]


class SessionFilterForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"), required=False)
    when = forms.ChoiceField(label=_("When"), required=False,
                             choices=[("", _("All")), ("upcoming", _("Upcoming")), ("past", _("Past"))])
    org = OrgChoiceField(Organisation.objects.none(), label=_("Organisation"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["activity"]).choices = [("", _("All activities")),
                                                                    *_activity_choices(user)]
        self.fields["org"] = OrgChoiceField(organisations_for(user=user, permission=VIEW), permission=VIEW,
                                            label=_("Organisation"), required=False,
                                            empty_label=_("All organisations"))


class SessionForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"))
    title = forms.CharField(label=_("Title"), max_length=200)
    form = forms.ChoiceField(label=_("Form"), choices=TrainingSession.Form.choices)
    organiser = OrgChoiceField(Organisation.objects.none(), label=_("Organiser"))
    trainer = forms.CharField(label=_("Trainer"), max_length=100, required=False)
    place = forms.CharField(label=_("Place or link"), max_length=200, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"), input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                               format=DATETIME_INPUT))
    ends_at = forms.DateTimeField(label=_("Ends at"), input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                             format=DATETIME_INPUT))
    hours = forms.DecimalField(label=_("Credit hours"), max_digits=5, decimal_places=1, min_value=0,
                               widget=forms.NumberInput(attrs={"step": "0.5"}))
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1,
                                  help_text=_("Empty: no limit."))
    person_categories = forms.MultipleChoiceField(
        label=_("For these categories of people"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: everyone the activity is for."),
    )

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["activity"]).choices = _activity_choices(user)
        self.fields["organiser"] = OrgChoiceField(
            organisations_for(user=user, permission=MANAGE).filter(is_active=True), permission=MANAGE,
            label=_("Organiser"),
        )
        cast(forms.MultipleChoiceField, self.fields["person_categories"]).choices = dict_choices(CATEGORY_DICT)
        if editing:
            self.fields["activity"].disabled = True
            self.fields["activity"].required = False

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"], "form": data["form"], "organiser_id": data["organiser"].pk,
            "trainer": data.get("trainer") or "", "place": data.get("place") or "",
            "starts_at": data["starts_at"], "ends_at": data["ends_at"], "hours": data["hours"],
            "capacity": data.get("capacity"), "person_categories": list(data.get("person_categories") or []),
        }


class RosterPickForm(forms.Form):
    """Which part of the roster to pick people from for a bulk enrolment."""

    org = OrgChoiceField(Organisation.objects.none(), label=_("Organisation"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(organisations_for(user=user, permission="person.view"),
                                            permission="person.view", label=_("Organisation"), required=False,
                                            empty_label=_("All organisations"))
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("All categories")),
                                                                    *dict_choices(CATEGORY_DICT)]


ListImportForm = ImportUploadForm
