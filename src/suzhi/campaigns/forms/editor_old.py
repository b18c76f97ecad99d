"""The plan editor: one page of forms and formsets that reads and writes the same plan as the YAML file.

The forms check only shape (a date is a date, settings are YAML); `plan_save` runs every check of the plan
format, and its errors, which name plan paths ("phases[1].end"), are put back next to the field they name.
Nothing here may lose what a plan file says: every field of the format has a place, lists keep their order,
and values the form does not offer (a dictionary item deactivated since) stay selectable.
"""

import re
from collections.abc import Iterable, Iterator
from typing import Any, cast

import yaml
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns import kinds
from suzhi.campaigns.plan.check import PlanError
from suzhi.campaigns.plan.schema import Plan
from suzhi.campaigns.plan.source import YamlSyntaxError, colon_slip, load_yaml
from suzhi.campaigns.selectors.campaigns import MANAGE
from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.models import Organisation
from suzhi.core.selectors.dicts import dict_choices
from suzhi.core.selectors.users import organisations_for

KEY_HELP = _("Lower-case letters, digits, - and _, starting with a letter; unique in its list.")
LIST_PREFIXES = ("sections", "phases", "activities", "targets", "awards")
MAX_ROWS = 200


# Fields ----------------------------------------------------------------------------------------------------------

class TextField(forms.CharField):
    """Text from a textarea: browsers send CRLF, the plan file keeps LF."""

    def __init__(self, *, rows: int = 4, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20000)
        super().__init__(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)

    def to_python(self, value: Any) -> str:
        return (super().to_python(value) or "").replace("\r\n", "\n").replace("\r", "\n")


class LinesField(TextField):
    """A list written one item per line; empty lines are ignored."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return [line.strip() for line in super().to_python(value).split("\n") if line.strip()]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value: Any) -> None:
        return None

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(self.prepare_value(initial) or "") != self.to_python(data)


class YamlField(TextField):
    """A small YAML document (a kind's settings, attribute rules); `expect` is dict or list."""

    def __init__(self, *, expect: type, **kwargs: Any) -> None:
        self.expect = expect
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:  # type: ignore[override]
        text = super().to_python(value)
        if not text.strip():
            return self.expect()
        try:
            data = load_yaml(text)
        except YamlSyntaxError as exc:
            if exc.slip:
                raise forms.ValidationError(exc.message) from None
            if exc.line is None:
                raise forms.ValidationError(_("Not valid YAML: %(problem)s."),
                                            params={"problem": exc.problem}) from None
            raise forms.ValidationError(_("Not valid YAML: %(problem)s (line %(line)s)."),
                                        params={"problem": exc.problem, "line": exc.line}) from None
        if data is None:
            return self.expect()
        if not isinstance(data, self.expect):
            slip = colon_slip(text)
            if slip is not None:
                raise forms.ValidationError(slip)
            if self.expect is dict:
                raise forms.ValidationError(_("Write one “name: value” per line."))
            raise forms.ValidationError(_("Write a list: each item on a line starting with “- ”."))
        return data

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100) if value else ""
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(self.prepare_value(initial) or "") != self.to_python(data)
        except forms.ValidationError:
            return True


def parse_open_in(text: str) -> dict[str, list[str]]:
    """ "enroll: launch, rollout" per line (or separated by ;) as {"enroll": ["launch", "rollout"]}.

    Chinese punctuation typed on a Chinese keyboard (：，、；) counts as its ASCII twin.
    """
    text = text.replace("：", ":").replace("；", ";")
    result: dict[str, list[str]] = {}
    for chunk in re.split(r"[;\n]", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        action, colon, rest = chunk.partition(":")
        action = action.strip()
        if not colon or not action:
            raise forms.ValidationError(
                _("“%(part)s”: write the action, a colon, then its phases, e.g. “enroll: launch, rollout”."),
                params={"part": chunk},
            )
        if ":" in rest:
            raise forms.ValidationError(
                _("“%(part)s”: put each action on its own line or separate them with “;”."), params={"part": chunk}
            )
        if action in result:
            raise forms.ValidationError(_("The action “%(action)s” is given twice."), params={"action": action})
        result[action] = [key for key in re.split(r"[,，、\s]+", rest) if key]
    return result


def format_open_in(open_in: dict[str, list[str]]) -> str:
    return "\n".join(f"{action}: {', '.join(keys)}" for action, keys in open_in.items())


class OpenInField(TextField):
    def to_python(self, value: Any) -> dict[str, list[str]]:  # type: ignore[override]
        return parse_open_in(super().to_python(value))

    def prepare_value(self, value: Any) -> Any:
        return format_open_in(value) if isinstance(value, dict) else value

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return (initial or {}) != self.to_python(data)
        except forms.ValidationError:
            return True


class LooseChoiceField(forms.ChoiceField):
    """A select of keys defined elsewhere in the same plan (phases, sections, activities) or of a registry.

    Any value is accepted here: the plan check says, by name and next to this field, when the key no longer
    exists (a phase just removed), which a plain select could only call "not one of the choices".
    """

    def valid_value(self, value: Any) -> bool:
        return True


class CodesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def _number(value: Any) -> Any:
    """10000.0 shows as 10000."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _compact(data: dict[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
    """Drop empty optional values so the format's defaults apply and the file stays short."""
    kept = set(keep)
    return {k: v for k, v in data.items() if k in kept or v not in ("", None, [], {})}


# Forms -----------------------------------------------------------------------------------------------------------

class EditorForm(forms.Form):
    """A part of the plan: `to_plan()` gives its dict, `field_for(parts)` the field a plan path points at."""

    # Plan paths that do not start with a form field's own name: ("filter", "org_types") → "filter_org_types".
    aliases: dict[tuple[str, ...], str] = {}
    # Keys the format requires even when empty.
    keep: tuple[str, ...] = ()
    template_name = "campaigns/editor/_fields.html"

    def __init__(self, *args: Any, choices: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices or {}

    def current(self, name: str) -> Any:
        """The field's value as posted, or as prefilled."""
        if self.is_bound:
            return self.fields[name].widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        return self.initial.get(name, self.fields[name].initial)

    def offer(self, name: str, choices: list[tuple[str, Any]], *, blank: Any = None) -> None:
        """Set a select's choices, keeping the current value(s) selectable even when the list lacks them."""
        value = self.current(name)
        values = value if isinstance(value, list | tuple) else [value]
        known = {code for code, _label in choices}
        extra = [(str(v), str(v)) for v in values if v not in (None, "") and str(v) not in known]
        prefix = [("", blank)] if blank is not None else []
        self.fields[name].choices = prefix + list(choices) + extra  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Checked boxes keep the order the plan had; newly checked ones follow in the order of the boxes.
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField) and isinstance(data.get(name), list):
                before = [v for v in (self.initial.get(name) or []) if v in data[name]]
                boxes = [code for code, _label in cast(Any, field).choices]
                data[name] = before + [code for code in boxes if code in data[name] and code not in before]
        return data

    def field_for(self, parts: tuple[str | int, ...]) -> str | None:
        for size in (2, 1):
            alias = self.aliases.get(tuple(str(p) for p in parts[:size]))
            if alias:
                return alias
        if parts and parts[0] in self.fields:
            return str(parts[0])
        return None

    def values(self) -> dict[str, Any]:
        """The cleaned values that are plan fields (a formset's DELETE is not)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "DELETE"}

    def to_plan(self) -> dict[str, Any]:
        return _compact(self.values(), self.keep)


class BasicsForm(EditorForm):
    code = forms.CharField(label=_("Code"), max_length=50, help_text=_(
        "Lower-case letters, digits, - and _, e.g. dunhuang-2024. It names the plan file and cannot change later."))
    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    organiser = OrgChoiceField(Organisation.objects.none(), label=_("Organiser"))
    issued_by = forms.CharField(label=_("Issued by"), max_length=200, required=False,
                                help_text=_("Shown under the title of the document."))
    doc_number = forms.CharField(label=_("Document number"), max_length=100, required=False,
                                 help_text=_("For example 敦工发〔2024〕5号."))
    goals = TextField(label=_("Overall goals"), rows=6)
    keep = ("goals",)

    def __init__(self, *args: Any, user: Any, editing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"] = OrgChoiceField(
            organisations_for(user=user, permission=MANAGE), permission=MANAGE, label=_("Organiser"),
            help_text=_("The organisation running the campaign; it must be within those whose campaigns you manage."),
        )
        if editing:
            self.fields["code"].disabled = True
        elif self.initial.get("organiser") and not organisations_for(user=user, permission=MANAGE).filter(
                pk=self.initial["organiser"]).exists():
            self.initial["organiser"] = None

    def to_plan(self) -> dict[str, Any]:
        data = self.values()
        data["organiser"] = data["organiser"].code
        return _compact(data, self.keep)


class CommitteeForm(EditorForm):
    name = forms.CharField(label=_("Committee name"), max_length=200, required=False,
                           help_text=_("Empty: the plan names no committee."))
    members = LinesField(label=_("Member organisations"), rows=4, help_text=_("One per line."))
    office = forms.CharField(label=_("Office at"), max_length=200, required=False,
                             help_text=_("Where the committee's office sits (办公室设在…)."))

    def to_plan(self) -> dict[str, Any] | None:  # type: ignore[override]
        data = _compact(self.values())
        # A committee without a name is no committee, unless members or office say otherwise: then the
        # format's "name is required" is the right message.
        return data or None


class RequirementsForm(EditorForm):
    organisation = TextField(label=_("Organisation"), help_text=_("How each level organises the work."))
    reporting_cadence = forms.ChoiceField(label=_("Progress reports"), required=False, choices=[
        ("", _("No regular reports")), ("weekly", _("Weekly")), ("monthly", _("Monthly")),
        ("per_phase", _("At the end of each phase")), ("once", _("Once")),
    ])
    reporting_to = forms.CharField(label=_("Reports go to"), max_length=200, required=False)
    reporting_text = TextField(label=_("What the plan says about reporting"), rows=3)
    publicity = TextField(label=_("Publicity"))
    other = LinesField(label=_("Other requirements"), help_text=_("One per line."))
    aliases = {("reporting", "cadence"): "reporting_cadence", ("reporting", "to"): "reporting_to",
               ("reporting", "text"): "reporting_text", ("reporting",): "reporting_cadence"}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("reporting_to") or data.get("reporting_text")) and not data.get("reporting_cadence"):
            self.add_error("reporting_cadence", _("Choose how often progress is reported."))
        return data

    def to_plan(self) -> dict[str, Any]:
        data = self.values()
        reporting = {"cadence": data.pop("reporting_cadence"), "to": data.pop("reporting_to"),
                     "text": data.pop("reporting_text")}
        data["reporting"] = _compact(reporting) if reporting["cadence"] else None
        return _compact(data)


class SectionForm(EditorForm):
    key = forms.CharField(label=_("Key"), max_length=50, help_text=KEY_HELP)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = TextField(label=_("Description"), rows=3)


class PhaseForm(EditorForm):
    key = forms.CharField(label=_("Key"), max_length=50, help_text=KEY_HELP)
    title = forms.CharField(label=_("Title"), max_length=200)
    start = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    description = TextField(label=_("What happens"), rows=3)


class ActivityForm(EditorForm):
    key = forms.CharField(label=_("Key"), max_length=50, help_text=KEY_HELP)
    kind = LooseChoiceField(label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=200)
    section = LooseChoiceField(label=_("Section"), required=False)
    description = TextField(label=_("Description"), rows=4)
    organiser = forms.CharField(label=_("Organiser code"), max_length=64, required=False,
                                help_text=_("Code of the organisation running it; empty: the plan's organiser."))
    org_types = CodesField(label=_("Organisation types taking part"), required=False,
                           help_text=_("None ticked: all."))
    person_categories = CodesField(label=_("Person categories taking part"), required=False,
                                   help_text=_("None ticked: all."))
    open_in = OpenInField(label=_("Open in phases"), rows=3)
    settings = YamlField(label=_("Settings"), expect=dict, rows=4,
                         help_text=_("The kind's own settings, one “name: value” per line (YAML)."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer("kind", [(k.code, k.label) for k in kinds.kinds()], blank="—")
        self.offer("section", self.choices.get("sections", []), blank=_("(none)"))
        self.offer("org_types", self.choices.get("org_type", []))
        self.offer("person_categories", self.choices.get("person_category", []))
        manifest = kinds.kind(str(self.current("kind") or ""))
        phases = ", ".join(key for key, _label in self.choices.get("phases", [])) or "—"
        if manifest is not None:
            actions = ", ".join(f"{code} ({label})" for code, label in manifest.actions.items())
            self.fields["open_in"].help_text = _g(
                "One action per line: the action, a colon, the phases, e.g. “enroll: launch, rollout”. "
                "Actions of this kind: %(actions)s. Phases: %(phases)s."
            ) % {"actions": actions, "phases": phases}
        else:
            self.fields["open_in"].help_text = _g(
                "One action per line: the action, a colon, the phases, e.g. “enroll: launch, rollout”. "
                "Phases: %(phases)s."
            ) % {"phases": phases}


TARGET_FORMS = [
    ("total", _("Total for the campaign")),
    ("per_org", _("Each organisation of the chosen types")),
    ("coverage", _("Share of people with at least a given amount (%)")),
    ("percentage", _("Percentage of the people in scope")),
]


class TargetForm(EditorForm):
    key = forms.CharField(label=_("Key"), max_length=50, help_text=KEY_HELP)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = TextField(label=_("The plan's words"), rows=2)
    metric = LooseChoiceField(label=_("Metric"))
    activity = LooseChoiceField(label=_("Only this activity"), required=False)
    form = forms.ChoiceField(label=_("How it is measured"), choices=[("", "—"), *TARGET_FORMS])
    threshold = forms.FloatField(label=_("Threshold"), help_text=_("A number; a per cent for coverage and percentage."))
    at_least = forms.FloatField(label=_("At least (per person)"), required=False,
                                help_text=_("Coverage: what each person needs; empty: 1."))
    per_org_types = CodesField(label=_("Measured organisation types"), required=False,
                               help_text=_("Needed for “each organisation”."))
    filter_person_categories = CodesField(label=_("Counting only person categories"), required=False,
                                          help_text=_("None ticked: all."))
    filter_org_types = CodesField(label=_("Counting only organisation types"), required=False,
                                  help_text=_("None ticked: all."))
    attributes = YamlField(label=_("Conditions on people"), expect=list, rows=3, help_text=_(
        "YAML, one rule per item, e.g. “- {field: age, op: le, value: 35}”; fields: gender, union_member, age, "
        "education, political_status or extra.<name>."))
    deadline = LooseChoiceField(label=_("Due by the end of"))
    aliases = {("filter", "person_categories"): "filter_person_categories",
               ("filter", "org_types"): "filter_org_types", ("filter", "attributes"): "attributes"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        metrics = [(m.code, f"{k.label} · {m.label}") for k in kinds.kinds() for m in k.metrics]
        self.offer("metric", metrics, blank="—")
        self.offer("activity", self.choices.get("activities", []), blank=_("(every activity)"))
        self.offer("deadline", self.choices.get("phases", []), blank="—")
        for name, dictionary in (("per_org_types", "org_type"), ("filter_org_types", "org_type"),
                                 ("filter_person_categories", "person_category")):
            self.offer(name, self.choices.get(dictionary, []))

    def to_plan(self) -> dict[str, Any]:
        data = self.values()
        data["filter"] = _compact({"person_categories": data.pop("filter_person_categories"),
                                   "org_types": data.pop("filter_org_types"),
                                   "attributes": data.pop("attributes")})
        return _compact(data)


class AwardForm(EditorForm):
    key = forms.CharField(label=_("Key"), max_length=50, help_text=KEY_HELP)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = TextField(label=_("The rule as the plan words it"), rows=3)
    recipient = forms.ChoiceField(label=_("Awarded to"), initial="person", choices=[
        ("person", _("Individuals")), ("organisation", _("Units (organisations)"))])
    activity = LooseChoiceField(label=_("Decided by the activity"), required=False)
    top = forms.IntegerField(label=_("The best"), min_value=1, required=False,
                             help_text=_("How many of the activity's ranking qualify; empty: no ranking."))
    titles = LinesField(label=_("Titles conferred"), rows=2, help_text=_("One per line, e.g. 敦煌市技术标兵."))
    keep = ("text",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer("activity", self.choices.get("activities", []), blank=_("(none)"))


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
                   attributes=found["attributes"], threshold=_number(target.threshold),
                   at_least=_number(target.at_least),
                   activity=row["activity"] or "")
        targets.append(row)
    awards = []
    for award in plan.awards:
        row = award.model_dump(mode="json")
        row["activity"] = row["activity"] or ""
        awards.append(row)
    return {
        "sections": [s.model_dump() for s in plan.sections],
        "phases": [p.model_dump() for p in plan.phases],
        "activities": activities, "targets": targets, "awards": awards,
    }


def _keys_posted(data: Any, prefix: str) -> list[tuple[str, str]]:
    """(key, "key · title") of the rows of a posted formset, so a phase added in the same edit can be chosen."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_ROWS)
    except (TypeError, ValueError):
        return []
    found = []
    for index in range(total):
        key = (data.get(f"{prefix}-{index}-key") or "").strip()
        if key and not data.get(f"{prefix}-{index}-DELETE"):
            found.append((key, f"{key} · {(data.get(f'{prefix}-{index}-title') or '').strip()}"))
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
            if data is not None:
                choices[name] = _keys_posted(data, name)
            else:
                choices[name] = [(row["key"], f"{row['key']} · {row['title']}") for row in rows[name]]
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
