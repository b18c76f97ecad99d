"""Forms of the question-bank pages: a bank, the question filters, a question with its type-specific fields, and
the import (a file or pasted text)."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suzhi.core import scope
from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.models import Organisation
from suzhi.quizzes.formats.base import ParsedOption, ParsedQuestion, QuestionType
from suzhi.quizzes.formats.vocabulary import LETTERS
from suzhi.quizzes.models import QuestionBank, QuestionVersion
from suzhi.quizzes.selectors.banks import MANAGE
from suzhi.quizzes.services.questions import MAX_FILE_BYTES

TYPE_CHOICES = QuestionVersion.Type.choices
DIFFICULTY_CHOICES = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)


class BankForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = scope.filter_queryset(Organisation.objects.all(), user, MANAGE, org_field="")
        self.fields["organisation"] = OrgChoiceField(orgs, permission=MANAGE, label=gettext_lazy("Organisation"))
        self.order_fields(["organisation", "name", "description"])


class QuestionFilterForm(forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("Type"), required=False,
                             choices=[("", gettext_lazy("All types")), *TYPE_CHOICES])
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    tag = forms.CharField(label=gettext_lazy("Tag"), required=False, max_length=100)

    def __init__(self, *args: Any, bank: QuestionBank, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", gettext_lazy("All categories")),
                            *[(str(pk), path) for pk, path in bank.categories.values_list("pk", "path")]]


def _option_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for letter in LETTERS:
        # Built per form so the label is translated in the request's language.
        fields[f"option_{letter}"] = forms.CharField(label=_("Option %(letter)s") % {"letter": letter},
                                                     required=False, max_length=1000)
        fields[f"correct_{letter}"] = forms.BooleanField(label=gettext_lazy("correct"), required=False)
        # The option's share of the marks as stored (GIFT's %50%, %-25%): kept while the right options stay
        # the same, so editing a stem does not flatten weights the form cannot show.
        fields[f"weight_{letter}"] = forms.FloatField(required=False, widget=forms.HiddenInput)
        fields[f"feedback_{letter}"] = forms.CharField(
            label=_("Feedback for option %(letter)s") % {"letter": letter}, required=False, max_length=1000,
            widget=forms.TextInput(attrs={"placeholder": _("Feedback when chosen (optional)")}))
    return fields


class QuestionForm(forms.Form):
    """One question; only the fields of the chosen type are read. Correct options share the marks equally."""

    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=TYPE_CHOICES)
    stem = forms.CharField(label=gettext_lazy("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    answer_bool = forms.ChoiceField(label=gettext_lazy("Answer"), required=False,
                                    choices=[("", "—"), ("true", gettext_lazy("True")),
                                             ("false", gettext_lazy("False"))])
    blanks = forms.CharField(
        label=gettext_lazy("Accepted answers"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One line per blank; separate alternative answers with “/”."))
    any_order = forms.BooleanField(label=gettext_lazy("Blanks may be answered in any order"), required=False)
    case_sensitive = forms.BooleanField(label=gettext_lazy("Case sensitive"), required=False)
    reference = forms.CharField(label=gettext_lazy("Reference answer"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    explanation = forms.CharField(label=gettext_lazy("Explanation"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    feedback_right = forms.CharField(
        label=gettext_lazy("Feedback for a right answer"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("True or false and fill in the blank; shown with the results."))
    feedback_wrong = forms.CharField(
        label=gettext_lazy("Feedback for a wrong answer"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("True or false and fill in the blank; shown with the results."))
    difficulty = forms.ChoiceField(label=gettext_lazy("Difficulty"), required=False, choices=DIFFICULTY_CHOICES,
                                   help_text=gettext_lazy("1 (easy) to 5 (hard)"))
    category = forms.CharField(label=gettext_lazy("Category"), required=False, max_length=200,
                               help_text=gettext_lazy("A path such as 安全生产/法律法规"))
    tags = forms.CharField(label=gettext_lazy("Tags"), required=False, max_length=500,
                           help_text=gettext_lazy("Separated by commas"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_option_fields())

    def option_rows(self) -> list[tuple[str, Any, Any, Any]]:
        return [(letter, self[f"option_{letter}"], self[f"correct_{letter}"], self[f"feedback_{letter}"])
                for letter in LETTERS]

    def common_fields(self) -> list[Any]:
        return [self[name] for name in ("explanation", "feedback_right", "feedback_wrong", "difficulty", "category",
                                        "tags")]

    @staticmethod
    def initial_from(version: QuestionVersion) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "type": version.type, "stem": version.stem,
            "answer_bool": "" if version.answer_bool is None else ("true" if version.answer_bool else "false"),
            "any_order": version.any_order, "case_sensitive": version.case_sensitive,
            "explanation": version.explanation,
            "feedback_right": version.feedback_right, "feedback_wrong": version.feedback_wrong,
            "difficulty": str(version.difficulty) if version.difficulty else "",
            "category": version.category.path if version.category else "",
            "tags": ", ".join(version.tags),
        }
        if version.type == QuestionType.FILL_IN:
            initial["blanks"] = "\n".join("/".join(blank) for blank in version.accepted)
        elif version.type == QuestionType.SHORT_ANSWER:
            initial["reference"] = version.accepted[0][0] if version.accepted and version.accepted[0] else ""
        for letter, option in zip(LETTERS, version.options, strict=False):
            initial[f"option_{letter}"] = option["text"]
            initial[f"correct_{letter}"] = option["weight"] > 0
            initial[f"weight_{letter}"] = option["weight"]
            initial[f"feedback_{letter}"] = option.get("feedback", "")
        return initial

    def to_parsed(self) -> ParsedQuestion:
        data = self.cleaned_data
        kind = QuestionType(data["type"])
        question = ParsedQuestion(
            type=kind, stem=data["stem"], explanation=data["explanation"], category=data["category"],
            difficulty=int(data["difficulty"]) if data["difficulty"] else None,
            tags=[t.strip() for t in data["tags"].replace("，", ",").split(",") if t.strip()],
        )
        if kind in (QuestionType.TRUE_FALSE, QuestionType.FILL_IN):
            question.feedback_right, question.feedback_wrong = data["feedback_right"], data["feedback_wrong"]
        if kind in CHOICE_TYPES:
            filled = [(data[f"option_{letter}"].strip(), data[f"correct_{letter}"], data.get(f"weight_{letter}"),
                       data[f"feedback_{letter}"].strip())
                      for letter in LETTERS if data[f"option_{letter}"].strip() or data[f"correct_{letter}"]]
            kept = all(weight is not None and (weight > 0) == correct for _text, correct, weight, _fb in filled)
            share = 1.0 / max(1, sum(1 for _text, correct, _weight, _fb in filled if correct))
            question.options = [ParsedOption(text, float(weight) if kept and weight is not None
                                             else (share if correct else 0.0), feedback)
                                for text, correct, weight, feedback in filled]
        elif kind == QuestionType.TRUE_FALSE:
            question.answer_bool = {"true": True, "false": False}.get(data["answer_bool"])
        elif kind == QuestionType.FILL_IN:
            question.accepted = [[alt.strip() for alt in line.split("/") if alt.strip()]
                                 for line in data["blanks"].splitlines() if line.strip()]
            question.any_order, question.case_sensitive = data["any_order"], data["case_sensitive"]
        else:
            reference = data["reference"].strip()
            question.accepted = [[reference]] if reference else []
        return question


class ImportForm(forms.Form):
    FORMATS = [("", gettext_lazy("Detect automatically")), ("excel", gettext_lazy("Excel template")),
               ("text", gettext_lazy("Text")), ("gift", gettext_lazy("Moodle GIFT"))]

    file = forms.FileField(
        label=gettext_lazy("File"), required=False,
        help_text=gettext_lazy("The Excel template (.xlsx, .xls, .ods, .csv), a text file or a GIFT file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv,.txt,.gift"}))
    text = forms.CharField(label=gettext_lazy("Or paste the questions"), required=False,
                           widget=forms.Textarea(attrs={"rows": 10}))
    format = forms.ChoiceField(label=gettext_lazy("Format"), required=False, choices=FORMATS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if bool(upload) == bool(text):
            raise forms.ValidationError(_("Upload a file or paste the questions (one of the two)."))
        if upload and upload.size > MAX_FILE_BYTES:
            self.add_error("file", _("The file is larger than %(n)d MB.") % {"n": MAX_FILE_BYTES // (1024 * 1024)})
        if text and data.get("format") == "excel":
            self.add_error("format", _("Pasted text is read as text or GIFT; the Excel template needs a file."))
        return data

    def payload(self) -> tuple[bytes, str]:
        """The bytes to import and the name they are known by."""
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read(), upload.name
        return self.cleaned_data["text"].encode("utf-8"), "pasted.txt"
