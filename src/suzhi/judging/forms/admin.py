"""Forms of the organisers' judging pages: a panel's judges, 自动分配, a judge added to or taken off an entry, and
the steps of the results. They check shape; the services decide the rest."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PanelForm(forms.Form):
    """Set a panel's judges, or (action=assign) assign judges to every entry automatically."""

    action = forms.ChoiceField(choices=[("panel", _("Save panel")), ("assign", _("Assign automatically"))],
                               required=False)
    judges = forms.TypedMultipleChoiceField(label=_("Judges"), coerce=int, required=False)
    category = forms.CharField(max_length=100, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args: Any, judge_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judges"].choices = [(str(pk), str(pk)) for pk in judge_ids]  # type: ignore[attr-defined]

    def assigning(self) -> bool:
        return self.cleaned_data.get("action") == "assign"


class EntryJudgeForm(forms.Form):
    """Add a judge of the panel to the entry, or take one off (`remove`: the assignment)."""

    judge = forms.IntegerField(min_value=1, required=False)
    remove = forms.IntegerField(min_value=1, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("judge") and not data.get("remove"):
            raise forms.ValidationError(_("Choose a judge."))
        return data


class ResultStepForm(forms.Form):
    action = forms.ChoiceField(choices=[("compute", _("Compute")), ("verify", _("Verify")),
                                        ("publish", _("Publish"))])
