"""Validating a plan file: the schema first, then every cross-reference, each error with its field path and
the line in the file (`activities[2].open_in.enroll[1]: unknown phase "finals" (line 48)`)."""

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pydantic
from django.utils.translation import gettext as _

from suzhi.campaigns import kinds
from suzhi.campaigns.error_codes import CampaignErrors
from suzhi.campaigns.formdefs.fields import FIELD_TYPES
from suzhi.campaigns.plan.schema import ATTRIBUTE_FIELDS, AttributeRule, KindSettings, Plan
from suzhi.campaigns.plan.source import Path, PlanSource, YamlSyntaxError, format_path
from suzhi.core.errors import ValidationFailed
from suzhi.core.files.checks import SUPPORTED_EXTENSIONS


@dataclasses.dataclass(frozen=True)
class PlanError:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = _(" (line %(line)d)") % {"line": self.line} if self.line else ""
        return f"{self.path or _('file')}: {self.message}{where}"

    def as_detail(self) -> dict[str, Any]:
        return {"field": self.path, "line": self.line, "message": self.message}


class PlanInvalid(ValidationFailed):
    def __init__(self, errors: list[PlanError]) -> None:
        self.errors = errors
        super().__init__(
            _("The plan has %(n)d error(s); the first: %(first)s") % {"n": len(errors), "first": errors[0]},
            code=CampaignErrors.PLAN_INVALID,
            detail=[e.as_detail() for e in errors],
        )


# A check of a whole item (a phase, a target) is about one of its fields: the error names that field, so it points
# at the field's own line (a phase's `end:`, not its first line) and sits next to it in the editor.
CHECK_FIELDS = {"end_before_start": "end", "per_org_needs_types": "per_org_types", "percent_over_100": "threshold",
                "min_over_max": "max", "min_rows_over_max_rows": "max_rows", "duplicate_option": "options",
                "duplicate_field_key": "fields", "duplicate_column_key": "columns",
                "unsupported_file_type": "extensions", "award_missing": "basis", "award_unused": "*",
                "award_units_only": "recipient", "award_people_only": "recipient", "tie_break_needed": "ties"}
# Messages of the checks of settings models defined outside the engine (a shared module's settings that kinds embed,
# such as judging's rubric): code -> translatable message, "%(arg)s" standing for the text after the code's colon.
_VALUE_ERRORS: dict[str, Any] = {}


def register_value_errors(*, messages: Mapping[str, Any], fields: Mapping[str, str]) -> None:
    """Declare the codes a settings model's validators raise (`ValueError("code:arg")`): their Chinese messages and,
    for a check of a whole item, the field it is about (as CHECK_FIELDS)."""
    _VALUE_ERRORS.update(messages)
    CHECK_FIELDS.update(fields)


DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T].*)?$")


def _pydantic_message(error: Any) -> str:
    """A Chinese (translated) message for each error Pydantic reports for plan files and kinds' settings.

    Pydantic's own English text is never shown: a kind of error not named here gets a general message.
    """
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error":
        code, _colon, argument = str(ctx.get("error", "")).partition(":")
        return {
            "end_before_start": _("The end date is before the start date."),
            "per_org_needs_types": _("A per_org target needs per_org_types (which organisations are measured)."),
            "percent_over_100": _("A percentage cannot exceed 100."),
            "min_over_max": _("The maximum is below the minimum."),
            "min_rows_over_max_rows": _("max_rows is below min_rows."),
            "duplicate_option": _("Two options have the same value."),
            "duplicate_field_key": _("Two fields have the key “%(key)s”.") % {"key": argument},
            "duplicate_column_key": _("Two fields have the key “%(key)s”.") % {"key": argument},
            "unsupported_file_type": _("Files of type %(types)s cannot be checked; allowed types: %(known)s.")
            % {"types": argument, "known": ", ".join(SUPPORTED_EXTENSIONS)},
            "award_missing": _("An award decided this way needs “%(field)s”.") % {"field": argument},
            "award_unused": _("“%(field)s” does not apply to an award decided this way (basis).")
            % {"field": argument},
            "award_units_only": _("Awards by targets or by a metric go to units: set recipient: organisation."),
            "award_people_only": _("Awards by person attributes go to people: set recipient: person."),
            "tie_break_needed": _("ties: decide needs tie_break, the rule that breaks a tie in words."),
        }.get(code) or (str(_VALUE_ERRORS[code]) % {"arg": argument} if code in _VALUE_ERRORS
                        else _("This value is not valid."))
    if kind == "union_tag_invalid":
        return _("Unknown field type “%(type)s”; use %(known)s.") % {"type": ctx.get("tag"),
                                                                     "known": ", ".join(FIELD_TYPES)}
    if kind == "union_tag_not_found":
        return _("Give the field's type: %(known)s.") % {"known": ", ".join(FIELD_TYPES)}
    value = error.get("input")
    if kind.startswith("date") and isinstance(value, str) and DATE_LIKE.match(value.strip()):
        return _("There is no date %(value)s: check the month and the day.") % {"value": value.strip()}
    messages = {
        "missing": _("This field is required."),
        "extra_forbidden": _("Unknown field."),
        "string_pattern_mismatch": _("Use lower-case letters, digits, - and _ only, starting with a letter."),
        "string_type": _("Must be text."),
        "string_too_short": _("Must not be empty."),
        "string_too_long": _("Too long: at most %(max)s characters.") % {"max": ctx.get("max_length")},
        "int_type": _("Must be a whole number."),
        "int_parsing": _("Must be a whole number."),
        "int_from_float": _("Must be a whole number."),
        "float_type": _("Must be a number."),
        "float_parsing": _("Must be a number."),
        "finite_number": _("Must be a number."),
        "bool_type": _("Must be true or false."),
        "bool_parsing": _("Must be true or false."),
        "date_type": _("Must be a date such as 2024-04-10."),
        "date_parsing": _("Must be a date such as 2024-04-10."),
        "date_from_datetime_parsing": _("Must be a date such as 2024-04-10."),
        "date_from_datetime_inexact": _("Must be a date such as 2024-04-10."),
        "list_type": _("Must be a list."),
        "dict_type": _("Must be a mapping (key: value)."),
        "model_type": _("Must be a mapping (key: value)."),
        "model_attributes_type": _("Must be a mapping (key: value)."),
        "too_short": _("Needs at least %(min)s item(s).") % {"min": ctx.get("min_length")},
        "too_long": _("At most %(max)s item(s).") % {"max": ctx.get("max_length")},
        "greater_than": _("Must be greater than %(n)s.") % {"n": ctx.get("gt")},
        "greater_than_equal": _("Must be at least %(n)s.") % {"n": ctx.get("ge")},
        "less_than": _("Must be less than %(n)s.") % {"n": ctx.get("lt")},
        "less_than_equal": _("Must be at most %(n)s.") % {"n": ctx.get("le")},
        "literal_error": _("Must be one of: %(values)s.") % {"values": ctx.get("expected")},
        "enum": _("Must be one of: %(values)s.") % {"values": ctx.get("expected")},
    }
    return messages.get(kind) or _("This value is not valid here.")


def _file_path(loc: tuple[Any, ...], data: Any) -> Path:
    """Pydantic's error location as a path in the file: without the tags of tagged unions (a form field's
    `type`), which Pydantic puts in the location but the file does not have."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part not in current \
                and current.get("type") == part:
            continue
        path.append(part)
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            current = None
    return tuple(path)


def _schema_errors(exc: pydantic.ValidationError, prefix: Path = (), data: Any = None) -> list[tuple[Path, str]]:
    found = []
    for error in exc.errors():
        path: Path = (*prefix, *_file_path(error["loc"], data))
        if error["type"] == "value_error":
            code, _colon, argument = str((error.get("ctx") or {}).get("error", "")).partition(":")
            field = CHECK_FIELDS.get(code)
            # "*": the check names the field it is about after the colon.
            field = argument if field == "*" else field
            path = (*path, field) if field else path
        elif error["type"] == "union_tag_invalid":
            path = (*path, "type")
        found.append((path, _pydantic_message(error)))
    return found


class _Checker:
    def __init__(self, plan: Plan, *, check_db: bool) -> None:
        self.plan = plan
        self.errors: list[tuple[Path, str]] = []
        self.check_db = check_db
        self.org_types: set[str] | None = None
        self.categories: set[str] | None = None
        if check_db:
            from suzhi.core.models import DictItem

            codes = DictItem.objects.filter(dict_type__code__in=["org_type", "person_category"], is_active=True)
            by_type: dict[str, set[str]] = {"org_type": set(), "person_category": set()}
            for type_code, code in codes.values_list("dict_type__code", "code"):
                by_type[type_code].add(code)
            self.org_types, self.categories = by_type["org_type"], by_type["person_category"]

    def add(self, path: Path, message: str) -> None:
        self.errors.append((path, message))

    def unique(self, name: str, items: Iterable[Any]) -> set[str]:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.key in seen:
                self.add((name, index, "key"), _("Duplicate key “%(key)s” (also %(name)s[%(other)d]).")
                         % {"key": item.key, "name": name, "other": seen[item.key]})
            else:
                seen[item.key] = index
        return set(seen)

    def codes(self, path: Path, values: list[str], known: set[str] | None, what: str) -> None:
        if known is None:
            return
        for index, value in enumerate(values):
            if value not in known:
                self.add((*path, index), _("Unknown %(what)s “%(value)s”.") % {"what": what, "value": value})

    def attribute_rules(self, path: Path, rules: list[Any]) -> None:
        """Conditions on people (a target's filter, an activity's settings): known fields, whole years of age, a
        list for “in”. Rules the schema refused (reported with its errors) are passed over."""
        for position, item in enumerate(rules):
            try:
                rule = item if isinstance(item, AttributeRule) else AttributeRule.model_validate(item)
            except pydantic.ValidationError:
                continue
            if rule.field not in ATTRIBUTE_FIELDS and not rule.field.startswith("extra."):
                self.add((*path, position, "field"),
                         _("Unknown person attribute “%(field)s”; use %(known)s or extra.<name>.")
                         % {"field": rule.field, "known": ", ".join(ATTRIBUTE_FIELDS)})
            elif rule.field == "age" and (rule.op == "in" or isinstance(rule.value, bool)
                                          or not isinstance(rule.value, int)):
                self.add((*path, position, "value"), _("An age is compared with a whole number of years."))
            elif rule.op == "in" and not isinstance(rule.value, list):
                self.add((*path, position, "value"), _("“in” needs a list of values."))

    def settings(self, path: Path, schema: type[pydantic.BaseModel], settings: dict[str, Any]) -> None:
        """A kind's settings against its schema, and their `attributes` (which any kind's settings may carry:
        read apart when the kind's schema does not declare them) checked as a target's filter's."""
        checks: list[tuple[type[pydantic.BaseModel], dict[str, Any]]] = [(schema, settings)]
        if "attributes" not in schema.model_fields:
            checks = [(schema, {k: v for k, v in settings.items() if k != "attributes"}),
                      (KindSettings, {"attributes": settings.get("attributes", [])})]
        for model, data in checks:
            try:
                model.model_validate(data)
            except pydantic.ValidationError as exc:
                self.errors.extend(_schema_errors(exc, path, data))
        rules = settings.get("attributes")
        if isinstance(rules, list):
            self.attribute_rules((*path, "attributes"), rules)

    def organisations(self) -> None:
        if not self.check_db:
            return
        from suzhi.core.models import Organisation

        wanted = {self.plan.organiser} | {a.organiser for a in self.plan.activities if a.organiser}
        found = set(Organisation.objects.filter(code__in=wanted).values_list("code", flat=True))
        if self.plan.organiser not in found:
            self.add(("organiser",), _("No organisation has the code “%(code)s”.") % {"code": self.plan.organiser})
        for index, activity in enumerate(self.plan.activities):
            if activity.organiser and activity.organiser not in found:
                self.add(("activities", index, "organiser"),
                         _("No organisation has the code “%(code)s”.") % {"code": activity.organiser})

    def run(self) -> None:
        plan = self.plan
        phases = self.unique("phases", plan.phases)
        sections = self.unique("sections", plan.sections)
        activities = self.unique("activities", plan.activities)
        self.unique("targets", plan.targets)
        self.unique("awards", plan.awards)
        self.organisations()
        org_type_word, category_word = _("organisation type"), _("person category")
        for index, activity in enumerate(plan.activities):
            path: Path = ("activities", index)
            if activity.section and activity.section not in sections:
                self.add((*path, "section"), _("Unknown section “%(key)s”.") % {"key": activity.section})
            self.codes((*path, "org_types"), activity.org_types, self.org_types, org_type_word)
            self.codes((*path, "person_categories"), activity.person_categories, self.categories, category_word)
            manifest = kinds.kind(activity.kind)
            if manifest is None:
                known = ", ".join(k.code for k in kinds.kinds())
                self.add((*path, "kind"), _("Unknown activity kind “%(kind)s”; known kinds: %(known)s.")
                         % {"kind": activity.kind, "known": known})
                continue
            self.settings((*path, "settings"), manifest.settings_schema, activity.settings)
            for action, phase_keys in activity.open_in.items():
                if action not in manifest.actions:
                    self.add((*path, "open_in", action), _("“%(kind)s” has no action “%(action)s”; its actions: "
                                                           "%(known)s.") % {"kind": activity.kind, "action": action,
                                                                            "known": ", ".join(manifest.actions)})
                for position, key in enumerate(phase_keys):
                    if key not in phases:
                        self.add((*path, "open_in", action, position), _("Unknown phase “%(key)s”.") % {"key": key})
        by_key = {a.key: a for a in plan.activities}
        for index, target in enumerate(plan.targets):
            path = ("targets", index)
            metric = kinds.metric(target.metric)
            if metric is None:
                self.add((*path, "metric"), _("Unknown metric “%(metric)s”.") % {"metric": target.metric})
            elif metric.aggregate == kinds.Aggregate.PER_PERSON and target.form in ("coverage", "percentage"):
                self.add((*path, "form"), _("“%(metric)s” is an average per person: use it in a total or per_org "
                                            "target.") % {"metric": target.metric})
            if target.activity:
                source = by_key.get(target.activity)
                if source is None:
                    self.add((*path, "activity"), _("Unknown activity “%(key)s”.") % {"key": target.activity})
                elif not target.metric.startswith(f"{source.kind}."):
                    self.add((*path, "metric"), _("The activity “%(key)s” is of kind “%(kind)s”, which does not "
                                                  "provide “%(metric)s”.")
                             % {"key": source.key, "kind": source.kind, "metric": target.metric})
            if target.deadline not in phases:
                self.add((*path, "deadline"), _("Unknown phase “%(key)s”.") % {"key": target.deadline})
            self.codes((*path, "per_org_types"), target.per_org_types, self.org_types, org_type_word)
            self.codes((*path, "filter", "org_types"), target.filter.org_types, self.org_types, org_type_word)
            self.codes((*path, "filter", "person_categories"), target.filter.person_categories, self.categories,
                       category_word)
            self.attribute_rules((*path, "filter", "attributes"), target.filter.attributes)
        self.awards(activities, {t.key for t in plan.targets})

    def awards(self, activities: set[str], targets: set[str]) -> None:
        for index, award in enumerate(self.plan.awards):
            path: Path = ("awards", index)
            if award.activity and award.activity not in activities:
                self.add((*path, "activity"), _("Unknown activity “%(key)s”.") % {"key": award.activity})
            if award.target and award.target not in targets:
                self.add((*path, "target"), _("Unknown target “%(key)s”.") % {"key": award.target})
            if isinstance(award.targets, list):
                for position, key in enumerate(award.targets):
                    if key not in targets:
                        self.add((*path, "targets", position), _("Unknown target “%(key)s”.") % {"key": key})
            elif award.targets == "all" and not targets:
                self.add((*path, "targets"), _("The plan has no targets for units to meet."))
            for name, title in award.title_by_ranking.items():
                if award.titles and title not in award.titles:
                    self.add((*path, "title_by_ranking", name), _("“%(title)s” is not among the rule's titles.")
                             % {"title": title})
            if award.basis in ("ranking", "kind_award") and len(award.titles) > 1 and not award.title_by_ranking:
                self.add((*path, "titles"), _("Several titles: say which ranking confers which in "
                                              "title_by_ranking, or give one title."))
            self.codes((*path, "org_types"), award.org_types, self.org_types, _("organisation type"))
            self.codes((*path, "person_categories"), award.person_categories, self.categories,
                       _("person category"))
            self.attribute_rules((*path, "attributes"), award.attributes)


def check_plan_data(data: Any, source: PlanSource | None = None, *,
                    check_db: bool = True) -> tuple[Plan | None, list[PlanError]]:
    """The plan in `data` (parsed YAML or a form's dict) and every error found in it. `check_db=False` leaves
    out what only the database knows (organisation codes, organisation types, person categories)."""

    def line(path: Path) -> int | None:
        return source.line_of(path) if source is not None else None

    if not isinstance(data, dict):
        return None, [PlanError("", _("The file must be a mapping of plan fields (code, title, phases …)."), 1)]
    try:
        plan = Plan.model_validate(data)
    except pydantic.ValidationError as exc:
        return None, [PlanError(format_path(p), m, line(p)) for p, m in _schema_errors(exc, (), data)]
    checker = _Checker(plan, check_db=check_db)
    checker.run()
    return plan, [PlanError(format_path(p), m, line(p)) for p, m in checker.errors]


def check_plan_text(text: str, *, check_db: bool = True) -> tuple[Plan | None, list[PlanError]]:
    """The plan in the YAML `text` and every error found in it, with lines (an empty list when valid)."""
    try:
        source = PlanSource(text)
    except YamlSyntaxError as exc:
        return None, [PlanError("", exc.message, exc.line)]
    return check_plan_data(source.data, source, check_db=check_db)


def parse_plan_text(text: str, *, check_db: bool = True) -> Plan:
    """The valid plan in `text`, or PlanInvalid listing every error."""
    plan, errors = check_plan_text(text, check_db=check_db)
    if errors or plan is None:
        raise PlanInvalid(errors)
    return plan


def parse_plan_data(data: Any) -> Plan:
    plan, errors = check_plan_data(data)
    if errors or plan is None:
        raise PlanInvalid(errors)
    return plan


def plan_to_yaml(plan: Plan) -> str:
    """The plan as a YAML file that reads back to the same plan."""
    import yaml

    data = plan.model_dump(exclude_defaults=True)
    data.setdefault("goals", plan.goals)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def schema_errors(exc: pydantic.ValidationError) -> list[tuple[str, str]]:
    """A kind's settings errors as (dotted path, Chinese message) pairs, for the forms that edit them."""
    return [(".".join(str(part) for part in path), message) for path, message in _schema_errors(exc)]
