from django import forms
from django.utils.translation import gettext_lazy as _

MAX_PLAN_BYTES = 1_000_000


class PlanUploadForm(forms.Form):
    file = forms.FileField(label=_("Plan file (.yaml)"), required=False)
    text = forms.CharField(label=_("Or paste the plan"), required=False, widget=forms.Textarea(attrs={"rows": 12}))
    dry_run = forms.BooleanField(label=_("Only check, load nothing"), required=False)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_PLAN_BYTES:
                raise forms.ValidationError(_("The plan file is larger than 1 MB."))
            raw = upload.read()
            try:
                data["text"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The plan file must be UTF-8 text.")) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a plan file or paste the plan."))
        return data


class PhaseEndForm(forms.Form):
    ends_on = forms.DateField(label=_("New last day"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}),
                              help_text=_("Empty: back to the plan's date."))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
