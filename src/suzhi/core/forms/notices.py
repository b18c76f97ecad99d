"""The notice form. Which organisations it offers comes from the selector; the service checks again."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.models import Notice, Organisation


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    organisation = OrgChoiceField(
        Organisation.objects.none(), permission="notice.manage", label=_("Publish to"),
        help_text=_("Everyone in this organisation and the organisations below it will see the notice."),
    )
    body = forms.CharField(
        label=_("Text"), required=False, max_length=20_000, strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; line breaks are kept."),
    )
    pinned = forms.BooleanField(label=_("Pin to the top"), required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(OrgChoiceField, self.fields["organisation"]).queryset = organisations.order_by("path")

    @classmethod
    def initial_for(cls, notice: Notice) -> dict[str, Any]:
        return {"title": notice.title, "organisation": notice.organisation_id, "body": notice.body,
                "pinned": notice.pinned}
