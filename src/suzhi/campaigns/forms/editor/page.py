"""The plan editor: one page of forms and formsets that reads and writes the same plan as the YAML file.

The forms check only shape (a date is a date, a number a number); `plan_save` runs every check of the plan
format, and its errors, which name plan paths ("phases[1].end"), are put back next to the field they name.
Nothing here may lose what a plan file says: every field of the format has a place, lists keep their order,
and values the form does not offer (a dictionary item deactivated since) stay selectable.
"""

import re
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django import forms
from django.utils import timezone

from suzhi.campaigns.forms.editor.activity import ActivityForm
from suzhi.campaigns.forms.editor.fields import number
from suzhi.campaigns.forms.editor.rows import (
    AWARD_DECIDED,
    AwardForm,
    BasicsForm,
    CommitteeForm,
    EditorForm,
    PhaseForm,
    RequirementsForm,
    SectionForm,
    TargetForm,
)
from suzhi.campaigns.plan.check import PlanError
from suzhi.campaigns.plan.schema import AwardRule, Plan
from suzhi.core.models import Organisation
from suzhi.core.selectors.dicts import dict_choices

LIST_PREFIXES = ("sections", "phases", "activities", "targets", "awards")
MAX_ROWS = 200


class BaseRowFormSet(forms.BaseFormSet):
    def rows(self) -> list[EditorForm]:
        """The forms that make list items, in order: not deleted, and not a blank extra row."""
        initial = self.initial_form_count()
        return [form for index, form in enumerate(self.forms)
                if (index < initial or form.has_changed()) and not getattr(form, "cleaned_data", {}).get("DELETE")]


def _formset(form: type[EditorForm]) -> type[BaseRowFormSet]:
    factory = forms.formset_factory(form, formset=BaseRowFormSet, extra=1, can_delete=True, max_num=MAX_ROWS,
                                    absolute_max=MAX_ROWS, validate_max=True)
    return cast(type[BaseRowFormSet], factory)


FORMSETS: dict[str, type[BaseRowFormSet]] = {
    "sections": _formset(SectionForm), "phases": _formset(PhaseForm), "activities": _formset(ActivityForm),
    "targets": _formset(TargetForm), "awards": _formset(AwardForm),
}


# Plan ⇄ initial data -------------------------------------------------------------------------------------------

def _rows_initial(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    activities = []
    for item in plan.activities:
        row = item.model_dump(mode="json")
        row["section"] = row["section"] or ""
        row["organiser"] = row["organiser"] or ""
        activities.append(row)
    targets = []
    for target in plan.targets:
        row = target.model_dump(mode="json")
        found = row.pop("filter")
        row.update(filter_person_categories=found["person_categories"], filter_org_types=found["org_types"],
                   attributes=found["attributes"], threshold=number(target.threshold),
                   at_least=number(target.at_least),
                   activity=row["activity"] or "")
        targets.append(row)
    awards = []
    for award in plan.awards:
        row = award.model_dump(mode="json")
        row["activity"] = row["activity"] or ""
        row["recommend_to"] = row["recommend_to"] or ""
        # The basis's settings the rule sets (not its defaults) go to the YAML field, so the file stays as written.
        fields = AwardRule.model_fields
        row["decided"] = {name: row.pop(name) for name in AWARD_DECIDED
                          if getattr(award, name) != fields[name].get_default(call_default_factory=True)}
        for name in AWARD_DECIDED:
            row.pop(name, None)
        awards.append(row)
    return {
        "sections": [s.model_dump() for s in plan.sections],
        "phases": [p.model_dump() for p in plan.phases],
        "activities": activities, "targets": targets, "awards": awards,
    }


def _keys_posted(data: Any, prefix: str) -> list[tuple[str, str]]:
    """(key, title) of the rows of a posted formset, so a phase added in the same edit can be chosen."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_ROWS)
    except (TypeError, ValueError):
        return []
    found = []
    for index in range(total):
        key = (data.get(f"{prefix}-{index}-key") or "").strip()
        if key and not data.get(f"{prefix}-{index}-DELETE"):
            found.append((key, (data.get(f"{prefix}-{index}-title") or "").strip()))
    return found


def _path_parts(path: str) -> tuple[str | int, ...]:
    return tuple(int(index) if index else name for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path))


class PlanEditor:
    """Every form of the editor page, built from a plan (to show) or from a POST (to save)."""

    def __init__(self, data: Any = None, *, user: Any, plan: Plan | None = None) -> None:
        self.editing = plan is not None
        rows = _rows_initial(plan) if plan is not None else dict.fromkeys(LIST_PREFIXES, [])
        choices: dict[str, Any] = {
            "org_type": dict_choices("org_type"), "person_category": dict_choices("person_category"),
        }
        for name in ("sections", "phases", "activities"):
            titles = _keys_posted(data, name) if data is not None else [(row["key"], row["title"])
                                                                        for row in rows[name]]
            choices[name] = [(key, f"{key} · {title}") for key, title in titles]
            choices[f"{name}_titled"] = [(key, title or key) for key, title in titles]
        # A new plan starts in this year, organised by the user's own organisation when they may run its campaigns.
        basics: dict[str, Any] = {"year": timezone.localdate().year,
                                  "organiser": getattr(user, "organisation_id", None)}
        committee: dict[str, Any] = {}
        requirements: dict[str, Any] = {}
        if plan is not None:
            basics = plan.model_dump(include={"code", "title", "year", "issued_by", "doc_number", "goals"})
            basics["organiser"] = Organisation.objects.filter(code=plan.organiser).values_list("pk", flat=True).first()
            committee = plan.committee.model_dump() if plan.committee else {}
            reporting = plan.requirements.reporting
            requirements = plan.requirements.model_dump(exclude={"reporting"})
            if reporting is not None:
                requirements.update(reporting_cadence=reporting.cadence, reporting_to=reporting.to,
                                    reporting_text=reporting.text)
        self.basics = BasicsForm(data, prefix="plan", initial=basics, user=user, editing=self.editing)
        self.committee = CommitteeForm(data, prefix="committee", initial=committee)
        self.requirements = RequirementsForm(data, prefix="requirements", initial=requirements)
        self.formsets = {
            name: factory(data, prefix=name, initial=rows[name], form_kwargs={"choices": choices})
            for name, factory in FORMSETS.items()
        }
        self.unplaced: list[PlanError] = []
        self.error_count = 0

    def __getattr__(self, name: str) -> Any:
        # Templates reach the formsets as editor.phases, editor.targets …
        formsets = self.__dict__.get("formsets") or {}
        if name in formsets:
            return formsets[name]
        raise AttributeError(name)

    def forms(self) -> Iterator[forms.Form]:
        yield from (self.basics, self.committee, self.requirements)
        for formset in self.formsets.values():
            yield from formset.forms

    def is_valid(self) -> bool:
        valid = all([self.basics.is_valid(), self.committee.is_valid(), self.requirements.is_valid(),
                     *(f.is_valid() for f in self.formsets.values())])
        if not valid:
            self.error_count = sum(len(f.errors) for f in self.forms()) + sum(
                len(f.non_form_errors()) for f in self.formsets.values())
        return valid

    def to_plan(self) -> dict[str, Any]:
        """The plan dict, in the shape of the YAML file."""
        data = self.basics.to_plan()
        committee = self.committee.to_plan()
        if committee is not None:
            data["committee"] = committee
        for name in LIST_PREFIXES:
            data[name] = [form.to_plan() for form in self.formsets[name].rows()]
        requirements = self.requirements.to_plan()
        if requirements:
            data["requirements"] = requirements
        return data

    def add_plan_errors(self, errors: Iterable[PlanError]) -> None:
        """Put each error next to the field its path names; keep the others for the list above the form."""
        self.unplaced = []
        self.error_count = 0
        top: dict[str, EditorForm] = {name: self.basics for name in self.basics.fields}
        for error in errors:
            self.error_count += 1
            parts = _path_parts(error.path)
            form: EditorForm | None = None
            rest: tuple[str | int, ...] = ()
            if parts and parts[0] in top and len(parts) == 1:
                form, rest = top[str(parts[0])], parts
            elif parts and parts[0] in ("committee", "requirements"):
                form, rest = getattr(self, str(parts[0])), parts[1:]
            elif len(parts) >= 2 and parts[0] in self.formsets and isinstance(parts[1], int):
                rows = self.formsets[str(parts[0])].rows()
                if parts[1] < len(rows):
                    form, rest = rows[parts[1]], parts[2:]
            field = form.field_for(rest) if form is not None else None
            if form is not None and field is not None and not form.fields[field].disabled:
                form.add_error(field, error.message)
            elif form is not None and not rest and form is not self.basics:
                form.add_error(None, error.message)  # a row's own check, e.g. its end before its start
            else:
                self.unplaced.append(error)

    def add_error(self, field: str | None, message: Any) -> None:
        self.error_count += 1
        self.basics.add_error(field, message)
