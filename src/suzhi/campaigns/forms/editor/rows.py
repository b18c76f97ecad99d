"""The plan editor's forms for the plan's parts and list rows: basics, committee, requirements, sections, phases,
targets and awards (activities are in `activity`)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns import kinds
from suzhi.campaigns.forms.editor.fields import (
    CodesField,
    LinesField,
    LooseChoiceField,
    TextField,
    YamlField,
    compact,
)
from suzhi.campaigns.selectors.campaigns import MANAGE
from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.models import Organisation
from suzhi.core.selectors.users import organisations_for

KEY_HELP = _("Lower-case letters, digits, - and _, starting with a letter; unique in its list.")


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

    def field_groups(self) -> list[dict[str, Any]]:
        """The fields in the groups the page shows them in: a legend, a help line and bound fields each."""
        return [{"legend": "", "help": "", "fields": [f for f in self.visible_fields() if f.name != "DELETE"]}]

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
        return compact(self.values(), self.keep)


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
        return compact(data, self.keep)


class CommitteeForm(EditorForm):
    name = forms.CharField(label=_("Committee name"), max_length=200, required=False,
                           help_text=_("Empty: the plan names no committee."))
    members = LinesField(label=_("Member organisations"), rows=4, help_text=_("One per line."))
    office = forms.CharField(label=_("Office at"), max_length=200, required=False,
                             help_text=_("Where the committee's office sits (办公室设在…)."))

    def to_plan(self) -> dict[str, Any] | None:  # type: ignore[override]
        data = compact(self.values())
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
        data["reporting"] = compact(reporting) if reporting["cadence"] else None
        return compact(data)


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
        data["filter"] = compact({"person_categories": data.pop("filter_person_categories"),
                                   "org_types": data.pop("filter_org_types"),
                                   "attributes": data.pop("attributes")})
        return compact(data)


AWARD_BASES = [
    ("ranking", _("Places in the activity's ranking")),
    ("targets", _("Units meeting the targets")),
    ("metric", _("Units with the highest value of a target")),
    ("kind_award", _("An award of the activity (e.g. 一等奖)")),
    ("attribute", _("People with given attributes")),
    ("manual", _("Entered by hand")),
]
# The basis's own settings, edited together as YAML (activity and top have fields of their own).
AWARD_DECIDED = ("per_ranking", "ranking", "ties", "tie_break", "title_by_ranking", "targets", "target", "award",
                 "attributes", "person_categories", "org_types")


class AwardForm(EditorForm):
    key = forms.CharField(label=_("Key"), max_length=50, help_text=KEY_HELP)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = TextField(label=_("The rule as the plan words it"), rows=3)
    recipient = forms.ChoiceField(label=_("Awarded to"), initial="person", choices=[
        ("person", _("Individuals")), ("organisation", _("Units (organisations)"))])
    basis = forms.ChoiceField(label=_("Recipients decided by"), initial="manual", choices=AWARD_BASES)
    activity = LooseChoiceField(label=_("Decided by the activity"), required=False)
    top = forms.IntegerField(label=_("The best"), min_value=1, required=False,
                             help_text=_("How many of the activity's ranking qualify; empty: no ranking."))
    titles = LinesField(label=_("Titles conferred"), rows=2, help_text=_("One per line, e.g. 敦煌市技术标兵."))
    recommend_to = forms.CharField(label=_("Recommended to"), max_length=200, required=False, help_text=_(
        "An outside body granting the honour (e.g. 酒泉市总工会); empty: the campaign confers it."))
    decided = YamlField(label=_("Settings of the basis"), expect=dict, rows=4, help_text=_(
        "YAML, e.g. “per_ranking: true”, “ties: share”, “title_by_ranking: {计算机操作: 敦煌市技术标兵}”, "
        "“targets: all”, “award: 一等奖”."))
    keep = ("text",)
    aliases = {(name,): "decided" for name in AWARD_DECIDED}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer("activity", self.choices.get("activities", []), blank=_("(none)"))

    def to_plan(self) -> dict[str, Any]:
        data = self.values()
        data.update(data.pop("decided") or {})
        return compact(data, self.keep)
