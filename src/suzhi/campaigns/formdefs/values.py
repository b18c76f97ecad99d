"""Submitted values checked against a form definition: the JSON stored, or errors naming the field (and the row
of a table) in Chinese.

People and organisations are chosen by id; whether the submitter may name them is not this module's to know.
The caller passes a `Resolver` that answers, for some ids, the names of those within the acting user's scope
(`ScopedResolver` does so from the roster and the organisation tree), so no kind is imported here.
"""

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from django.utils.translation import gettext as _

from suzhi.campaigns.error_codes import CampaignErrors
from suzhi.campaigns.formdefs.fields import (
    FieldProblem,
    FormDef,
    OrganisationDef,
    PersonDef,
    TableDef,
    is_empty,
)
from suzhi.core.errors import ValidationFailed


class Resolver(Protocol):
    """The names of the people and organisations the acting user may name, by id; ids outside are left out."""

    def people(self, ids: Sequence[int]) -> dict[int, str]: ...

    def organisations(self, ids: Sequence[int]) -> dict[int, str]: ...


@dataclasses.dataclass(frozen=True)
class FieldError:
    key: str
    label: str
    message: str
    row: int | None = None  # 1-based, as people count the rows of a table
    column: str | None = None  # the column's key
    column_label: str | None = None

    def __str__(self) -> str:
        if self.row is None:
            return _("“%(label)s”: %(message)s") % {"label": self.label, "message": self.message}
        if self.column is None:
            return _("“%(label)s”, row %(row)d: %(message)s") % {"label": self.label, "row": self.row,
                                                                 "message": self.message}
        return _("“%(label)s”, row %(row)d, “%(column)s”: %(message)s") % {
            "label": self.label, "row": self.row, "column": self.column_label, "message": self.message}

    def as_detail(self) -> dict[str, Any]:
        return {"field": self.key, "row": self.row, "column": self.column, "message": str(self)}


class FormInvalid(ValidationFailed):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__(str(errors[0]) if len(errors) == 1 else _("The form has %(n)d error(s); the first: "
                                                                   "%(first)s") % {"n": len(errors),
                                                                                   "first": errors[0]},
                         code=CampaignErrors.FORM_INVALID, detail=[error.as_detail() for error in errors])


@dataclasses.dataclass
class _Refs:
    """Where the ids of people and organisations sit in the cleaned values, to name them in one query each."""

    places: list[tuple[Any, dict[str, Any], str, FieldError]] = dataclasses.field(default_factory=list)

    def add(self, definition: Any, holder: dict[str, Any], key: str, where: FieldError) -> None:
        self.places.append((definition, holder, key, where))

    def resolve(self, resolver: Resolver | None, errors: list[FieldError]) -> None:
        if not self.places:
            return
        if resolver is None:
            raise ValueError("a form with person or organisation fields needs a resolver")
        wanted: dict[Any, set[int]] = {PersonDef: set(), OrganisationDef: set()}
        for definition, holder, key, _where in self.places:
            wanted[type(definition)].update(holder[key])
        people, organisations = sorted(wanted[PersonDef]), sorted(wanted[OrganisationDef])
        names: dict[Any, dict[int, str]] = {
            PersonDef: resolver.people(people) if people else {},
            OrganisationDef: resolver.organisations(organisations) if organisations else {},
        }
        for definition, holder, key, where in self.places:
            known = names[type(definition)]
            missing = [i for i in holder[key] if i not in known]
            if missing:
                message = (_("No person numbered %(id)s within your scope.") if isinstance(definition, PersonDef)
                           else _("No organisation numbered %(id)s within your scope.")) % {"id": missing[0]}
                errors.append(dataclasses.replace(where, message=message))
                continue
            refs = [{"id": i, "name": known[i]} for i in holder[key]]
            holder[key] = refs if definition.multiple else refs[0]


def _clean_one(definition: Any, value: Any, holder: dict[str, Any], where: FieldError, refs: _Refs,
               errors: list[FieldError]) -> None:
    try:
        cleaned = definition.clean(value)
    except FieldProblem as problem:
        errors.append(dataclasses.replace(where, message=problem.message))
        return
    holder[definition.key] = cleaned
    if cleaned is not None and isinstance(definition, PersonDef | OrganisationDef):
        refs.add(definition, holder, definition.key, where)


def _rows(value: Any) -> list[Any] | None:
    if is_empty(value):
        return []
    return list(value) if isinstance(value, list | tuple) else None


def _clean_table(table: TableDef, value: Any, values: dict[str, Any], refs: _Refs,
                 errors: list[FieldError]) -> None:
    where = FieldError(table.key, table.label, "")
    rows = _rows(value)
    if rows is None:
        errors.append(dataclasses.replace(where, message=_("Must be a list of rows.")))
        return
    cleaned_rows: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            errors.append(dataclasses.replace(where, row=number, message=_("Must be a row of values.")))
            continue
        if all(is_empty(row.get(column.key)) for column in table.columns):
            continue  # a blank row (a form's spare row) is no row
        cleaned: dict[str, Any] = {}
        for column in table.columns:
            cell = FieldError(table.key, table.label, "", row=number, column=column.key, column_label=column.label)
            _clean_one(column, row.get(column.key), cleaned, cell, refs, errors)
        cleaned_rows.append(cleaned)
    if table.required and not cleaned_rows:
        errors.append(dataclasses.replace(where, message=_("This field is required.")))
    elif len(cleaned_rows) < table.min_rows:
        errors.append(dataclasses.replace(where, message=_("Needs at least %(n)s row(s).") % {"n": table.min_rows}))
    elif len(cleaned_rows) > table.max_rows:
        errors.append(dataclasses.replace(where, message=_("At most %(n)s row(s).") % {"n": table.max_rows}))
    values[table.key] = cleaned_rows


def check_values(form: FormDef, data: Mapping[str, Any], *,
                 resolver: Resolver | None = None) -> tuple[dict[str, Any], list[FieldError]]:
    """The values to store for `data` (keys of the form only, in its order) and every error found in it."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    refs = _Refs()
    for definition in form.fields:
        if isinstance(definition, TableDef):
            _clean_table(definition, data.get(definition.key), values, refs, errors)
        else:
            _clean_one(definition, data.get(definition.key), values,
                       FieldError(definition.key, definition.label, ""), refs, errors)
    refs.resolve(resolver, errors)
    order = {definition.key: index for index, definition in enumerate(form.fields)}
    errors.sort(key=lambda error: (order[error.key], error.row or 0))
    return values, errors


def clean_values(form: FormDef, data: Mapping[str, Any], *, resolver: Resolver | None = None) -> dict[str, Any]:
    """The values to store for `data`, or FormInvalid listing every error."""
    values, errors = check_values(form, data, resolver=resolver)
    if errors:
        raise FormInvalid(errors)
    return values


class ScopedResolver:
    """People and organisations within what `user` may see with `permission` (the data scope)."""

    def __init__(self, *, user: Any, permission: str) -> None:
        self.user, self.permission = user, permission

    def organisations(self, ids: Sequence[int]) -> dict[int, str]:
        from suzhi.core.selectors.users import organisations_for

        found = organisations_for(user=self.user, permission=self.permission).filter(pk__in=list(ids))
        return dict(found.values_list("pk", "name"))

    def people(self, ids: Sequence[int]) -> dict[int, str]:
        from suzhi.people.selectors.persons import persons_visible

        found = persons_visible(user=self.user, permission=self.permission).filter(pk__in=list(ids))
        return dict(found.values_list("pk", "name"))


def stored_names(value: Any) -> Iterable[str]:
    """The names in a stored person or organisation value ({id, name} or a list of them)."""
    items = value if isinstance(value, list) else [value] if value else []
    return (str(item.get("name", "")) for item in items if isinstance(item, dict))
