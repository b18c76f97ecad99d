"""The contest set-up form (竞赛设置): who organises it, which bank, and the rules as plain fields a clerk can fill;
`to_rules()` turns them into the QuizSettings the service validates, `initial_from()` the other way."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from suzhi.core import scope
from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.models import Organisation
from suzhi.quizzes.models import QuestionBank, QuestionVersion
from suzhi.quizzes.selectors.banks import MANAGE, banks_visible

TYPE_CHOICES = QuestionVersion.Type.choices
MEASURES = [("participation_rate", gettext_lazy("Participation rate")),
            ("average_score", gettext_lazy("Average score")),
            ("attempts_per_person", gettext_lazy("Attempts per person"))]
_QUOTA_KEY = re.compile(r"^quota_(\d+)_type$")
QUOTA_ROWS = 5  # rows shown for a new contest; one more than the quotas a contest has, up to MAX_QUOTA_ROWS
MAX_QUOTA_ROWS = 40


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("、", ",").split(",") if part.strip()]


class ContestForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    bank = forms.ModelChoiceField(label=gettext_lazy("Question bank"), queryset=QuestionBank.objects.none())
    time_limit_minutes = forms.IntegerField(label=gettext_lazy("Time limit (minutes)"), min_value=1, max_value=600)
    attempts_per_person = forms.IntegerField(label=gettext_lazy("Attempts per person"), min_value=1, max_value=100)
    attempts_per_day = forms.IntegerField(label=gettext_lazy("Attempts per day"), min_value=1, required=False,
                                          help_text=gettext_lazy("Leave empty for no daily limit."))
    counted_attempt = forms.ChoiceField(label=gettext_lazy("Attempt that counts"), choices=[
        ("highest", gettext_lazy("The highest score")), ("first", gettext_lazy("The first attempt")),
        ("last", gettext_lazy("The last attempt"))])
    multiple_choice_credit = forms.ChoiceField(label=gettext_lazy("Multiple choice scoring"), choices=[
        ("all_or_nothing", gettext_lazy("All or nothing")),
        ("partial", gettext_lazy("Part of the marks for some right options, none for any wrong one"))])
    show_results = forms.ChoiceField(label=gettext_lazy("Show score and answers"), choices=[
        ("after_submit", gettext_lazy("On submitting")), ("after_window", gettext_lazy("After the contest closes"))])
    ranking_1 = forms.ChoiceField(label=gettext_lazy("Rank units first by"), choices=MEASURES)
    ranking_2 = forms.ChoiceField(label=gettext_lazy("then by"), choices=[("", "—"), *MEASURES], required=False)
    ranking_3 = forms.ChoiceField(label=gettext_lazy("then by"), choices=[("", "—"), *MEASURES], required=False)
    paper_mode = forms.ChoiceField(label=gettext_lazy("Paper"), choices=[
        ("random", gettext_lazy("Drawn at random for each person by quotas")),
        ("fixed", gettext_lazy("The same questions for everyone"))], widget=forms.RadioSelect)
    fixed_questions = forms.CharField(
        label=gettext_lazy("Questions of a fixed paper"), required=False,
        help_text=gettext_lazy("Question numbers from the bank, separated by commas; add :marks to give a question "
                               "other than 1 mark, e.g. 12, 15:2, 18."))
    shuffle_questions = forms.BooleanField(label=gettext_lazy("Shuffle the questions for each person"),
                                           required=False)
    shuffle_options = forms.BooleanField(label=gettext_lazy("Shuffle the options for each person"), required=False)
    age_below = forms.IntegerField(label=gettext_lazy("Only people younger than (years)"), min_value=1,
                                   max_value=120, required=False)
    age_from = forms.IntegerField(label=gettext_lazy("Only people at least (years old)"), min_value=1,
                                  max_value=120, required=False)

    def __init__(self, *args: Any, user: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = banks_visible(user=user).order_by("organisation__path", "name")  # type: ignore[attr-defined]
        if creating:
            orgs = scope.filter_queryset(Organisation.objects.all(), user, MANAGE, org_field="")
            self.fields["organisation"] = OrgChoiceField(orgs, permission=MANAGE, label=gettext_lazy("Organiser"))
            self.order_fields(["organisation", "title"])
        # As many rows as the contest has quotas (a plan file may give more than the form shows by default) and
        # one empty, or as many as the page sent.
        sent = {int(m.group(1)) for key in (self.data or {}) if (m := _QUOTA_KEY.match(key))}
        known = {int(m.group(1)) for key, value in (self.initial or {}).items()
                 if value not in (None, "") and (m := _QUOTA_KEY.match(key))}
        self.quota_count = min(MAX_QUOTA_ROWS, max(QUOTA_ROWS, max(sent, default=-1) + 1, max(known, default=-1) + 2))
        for i in range(self.quota_count):
            self.fields[f"quota_{i}_type"] = forms.ChoiceField(label=gettext_lazy("Type"), required=False,
                                                               choices=[("", "—"), *TYPE_CHOICES])
            self.fields[f"quota_{i}_count"] = forms.IntegerField(label=gettext_lazy("Number"), required=False,
                                                                 min_value=1, max_value=500)
            self.fields[f"quota_{i}_points"] = forms.DecimalField(label=gettext_lazy("Marks each"), required=False,
                                                                  min_value=0, max_value=100, decimal_places=2)
            self.fields[f"quota_{i}_categories"] = forms.CharField(label=gettext_lazy("Categories"), required=False,
                                                                   max_length=500)
            self.fields[f"quota_{i}_difficulty"] = forms.CharField(label=gettext_lazy("Difficulties"),
                                                                   required=False, max_length=20)
        # Rules the form has no field for (other attribute conditions from the plan file) are kept as they were.
        self.kept_attributes: list[dict[str, Any]] = []

    def quota_rows(self) -> list[list[Any]]:
        return [[self[f"quota_{i}_{name}"] for name in ("type", "count", "points", "categories", "difficulty")]
                for i in range(self.quota_count)]

    @staticmethod
    def initial_from(rules: dict[str, Any], **extra: Any) -> dict[str, Any]:
        paper = rules.get("paper") or {}
        ranking = list(rules.get("unit_ranking") or []) + ["", "", ""]
        initial = {name: rules.get(name) for name in (
            "time_limit_minutes", "attempts_per_person", "attempts_per_day", "counted_attempt",
            "multiple_choice_credit", "show_results")}
        initial.update(ranking_1=ranking[0], ranking_2=ranking[1], ranking_3=ranking[2],
                       paper_mode=paper.get("mode", "random"),
                       shuffle_questions=paper.get("shuffle_questions", True),
                       shuffle_options=paper.get("shuffle_options", True),
                       fixed_questions=", ".join(
                           str(q["question"]) if float(q.get("points", 1)) == 1 else
                           f"{q['question']}:{q['points']:g}" for q in paper.get("questions") or []))
        for i, quota in enumerate((paper.get("quotas") or [])[:MAX_QUOTA_ROWS]):
            initial.update({f"quota_{i}_type": quota.get("type"), f"quota_{i}_count": quota.get("count"),
                            f"quota_{i}_points": quota.get("points", 1),
                            f"quota_{i}_categories": "、".join(quota.get("categories") or []),
                            f"quota_{i}_difficulty": ",".join(str(d) for d in quota.get("difficulty") or [])})
        for rule in rules.get("attributes") or []:
            if rule.get("field") == "age" and rule.get("op") == "lt":
                initial["age_below"] = rule.get("value")
            elif rule.get("field") == "age" and rule.get("op") == "ge":
                initial["age_from"] = rule.get("value")
        initial.update(extra)
        return initial

    def clean_fixed_questions(self) -> list[dict[str, Any]]:
        items = []
        for part in _split(self.cleaned_data.get("fixed_questions") or ""):
            number, _sep, points = part.replace("：", ":").partition(":")
            try:
                items.append({"question": int(number), "points": float(points) if points else 1.0})
            except ValueError:
                raise forms.ValidationError(
                    gettext_lazy("“%(part)s” is not a question number (with optional :marks).") % {"part": part}
                ) from None
        return items

    def to_rules(self, previous: dict[str, Any] | None = None) -> dict[str, Any]:
        data = self.cleaned_data
        previous = previous or {}
        quotas = []
        for i in range(self.quota_count):
            if not data.get(f"quota_{i}_type"):
                continue
            try:
                difficulty = [int(d) for d in _split(data.get(f"quota_{i}_difficulty") or "")]
            except ValueError:
                difficulty = []
            quotas.append({"type": data[f"quota_{i}_type"], "count": data.get(f"quota_{i}_count") or 0,
                           "points": float(data.get(f"quota_{i}_points") or 1),
                           "categories": _split(data.get(f"quota_{i}_categories") or ""),
                           "difficulty": difficulty})
        attributes = [rule for rule in previous.get("attributes") or []
                      if not (rule.get("field") == "age" and rule.get("op") in ("lt", "ge"))]
        if data.get("age_below"):
            attributes.append({"field": "age", "op": "lt", "value": data["age_below"]})
        if data.get("age_from"):
            attributes.append({"field": "age", "op": "ge", "value": data["age_from"]})
        ranking = []
        for name in ("ranking_1", "ranking_2", "ranking_3"):
            if data.get(name) and data[name] not in ranking:
                ranking.append(data[name])
        bank = data.get("bank")
        return {
            "time_limit_minutes": data["time_limit_minutes"], "attempts_per_person": data["attempts_per_person"],
            "attempts_per_day": data.get("attempts_per_day"), "counted_attempt": data["counted_attempt"],
            "multiple_choice_credit": data["multiple_choice_credit"], "show_results": data["show_results"],
            "unit_ranking": ranking,
            "paper": {"bank": bank.name if bank else "", "mode": data["paper_mode"],
                      "questions": data.get("fixed_questions") or [], "quotas": quotas,
                      "shuffle_questions": bool(data.get("shuffle_questions")),
                      "shuffle_options": bool(data.get("shuffle_options"))},
            "attributes": attributes,
        }
