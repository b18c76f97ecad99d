"""The notice form. Which organisations it offers comes from the selector; the service checks again."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.core.models import Notice, Organisation


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    organisation = forms.TypedChoiceField(
        label=_("Publish to"), coerce=int,
        help_text=_("Everyone in this organisation and the organisations below it will see the notice."),
    )
    body = forms.CharField(
        label=_("Text"), required=False, max_length=20_000, strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; line breaks are kept."),
    )
    pinned = forms.BooleanField(label=_("Pin to the top"), required=False)

    def __init__(self, *args: Any, organisations: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        top = min((org.depth for org in organisations), default=1)
        # A full-width space per level shows the tree in a plain <select>, which every phone renders.
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            (org.pk, "\u3000" * (org.depth - top) + (org.short_name or org.name)) for org in organisations
        ]

    @classmethod
    def initial_for(cls, notice: Notice) -> dict[str, Any]:
        return {"title": notice.title, "organisation": notice.organisation_id, "body": notice.body,
                "pinned": notice.pinned}
