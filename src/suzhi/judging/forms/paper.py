"""Which category's template of paper score sheets; the upload is the import pipeline's ImportUploadForm."""

from typing import Any

from django import forms


class SheetTemplateForm(forms.Form):
    """The template of every open sheet, or of one category's (when the panels are by category)."""

    category = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, categories: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", ""), *((c, c) for c in categories)]  # type: ignore[attr-defined]

    def chosen(self) -> str | None:
        """None for every sheet; only valid forms are asked."""
        return self.cleaned_data.get("category") or None

