"""Forms of the submitting and reviewing pages. They check shape; the services (and the table in
collections.review) decide the rest."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.collections.review import ACTION_LABELS, REVIEW_ACTIONS
from suzhi.collections.services import submissions

MOST_AT_ONCE = 500  # items one bulk action takes: a page of the queue is 50


class IdListField(forms.Field):
    """Ticked items: the ids posted under one name, numbers only, at most MOST_AT_ONCE."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"required": _("Tick the items to act on."),
                              "too_many": _("At most %(most)d items at once.")}

    def to_python(self, value: Any) -> list[int]:
        ids = [int(v) for v in (value or []) if str(v).isdigit()]
        if len(ids) > MOST_AT_ONCE:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many",
                                        params={"most": MOST_AT_ONCE})
        return ids


class ReviewBulkForm(forms.Form):
    """One review action (推荐, 退回, 不推荐, 归类) on the ticked items of the queue."""

    ids = IdListField()
    action = forms.ChoiceField(choices=[(a.value, ACTION_LABELS[a]) for a in sorted(REVIEW_ACTIONS)],
                               error_messages={"required": _("Choose what to do with the ticked items."),
                                               "invalid_choice": _("Choose what to do with the ticked items.")})
    comment = forms.CharField(required=False, max_length=2000)
    category = forms.CharField(required=False, max_length=200)

    def first_error(self) -> str:
        return next((str(e) for errors in self.errors.values() for e in errors), "")


class SubmissionMetaForm(forms.Form):
    """The title and the category of a submission (the plan's own fields are a DefinedForm beside it); `submit`
    present: submit it once saved."""

    title = forms.CharField(required=False, max_length=200)
    category = forms.CharField(required=False, max_length=200)
    submit = forms.CharField(required=False)

    def submitting(self) -> bool:
        return "submit" in self.data


def authors_posted(data: Any, rows: int) -> list[submissions.AuthorIn]:
    """The team's authors from the rows of the unit's form (author_N: a person, share_N: per cent); empty rows are
    skipped, the service checks the rest (shares adding up to 100, people on the roster)."""
    found = []
    for index in range(rows):
        person, share = data.get(f"author_{index}", ""), data.get(f"share_{index}", "")
        if str(person).isdigit():
            found.append(submissions.AuthorIn(int(person), int(share) if str(share).isdigit() else 0))
    return found
