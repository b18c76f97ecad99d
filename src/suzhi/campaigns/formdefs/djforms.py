"""A form definition as a Django form for phones: the input each type needs (a number keypad, a date picker,
radio buttons for a few options, a file picker limited to the allowed types), a table as repeated rows.

Checking is `values.check_values`, the same as the API's: the fields here only read what the browser sent, and
each error is put next to the field (or the table cell) it is about.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.formdefs.fields import (
    AttachmentDef,
    ChoiceDef,
    DateDef,
    FieldProblem,
    FormDef,
    LongTextDef,
    MultiChoiceDef,
    NumberDef,
    OrganisationDef,
    PersonDef,
    TableDef,
    TextDef,
    YesNoDef,
    is_empty,
    plain_number,
)
from suzhi.campaigns.formdefs.values import FieldError, Resolver, check_values

RADIO_LIMIT = 6  # more options than this come as a drop-down list


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _number_widget(definition: NumberDef) -> forms.Widget:
    whole = definition.decimals == 0
    attrs: dict[str, Any] = {
        # "numeric" brings the digits-only keypad; "decimal" adds the point. Negative numbers need the full keyboard.
        "inputmode": ("numeric" if whole else "decimal") if (definition.min or 0) >= 0 else "text",
        "step": "1" if whole else (f"{10 ** -definition.decimals:.{definition.decimals}f}"
                                   if definition.decimals else "any"),
    }
    for bound in ("min", "max"):
        if getattr(definition, bound) is not None:
            attrs[bound] = plain_number(getattr(definition, bound))
    if definition.unit:
        attrs["data-unit"] = definition.unit
    return forms.NumberInput(attrs=attrs)


def widget_for(definition: Any) -> forms.Widget:
    """The input a phone shows for the definition."""
    if isinstance(definition, TextDef):
        return forms.TextInput(attrs={"maxlength": definition.max_length})
    if isinstance(definition, LongTextDef):
        return forms.Textarea(attrs={"rows": 4, "maxlength": definition.max_length})
    if isinstance(definition, NumberDef):
        return _number_widget(definition)
    if isinstance(definition, DateDef):
        attrs = {"type": "date"}
        attrs.update({name: getattr(definition, name).isoformat() for name in ("min", "max")
                      if getattr(definition, name) is not None})
        return forms.DateInput(attrs=attrs, format="%Y-%m-%d")
    if isinstance(definition, ChoiceDef):
        choices = [(option.value, option.text) for option in definition.options]
        if len(choices) <= RADIO_LIMIT:
            return forms.RadioSelect(choices=choices)
        return forms.Select(choices=[("", "—"), *choices])
    if isinstance(definition, MultiChoiceDef):
        return forms.CheckboxSelectMultiple(choices=[(option.value, option.text) for option in definition.options])
    if isinstance(definition, YesNoDef):
        return forms.RadioSelect(choices=[("true", _("Yes")), ("false", _("No"))])
    if isinstance(definition, PersonDef | OrganisationDef):
        # Ids typed or filled in by a picker; several separated by commas.
        return forms.TextInput(attrs={"inputmode": "text" if definition.multiple else "numeric",
                                      "data-pick": definition.type})
    if isinstance(definition, AttachmentDef):
        widget = MultipleFileInput if definition.max_files > 1 else forms.ClearableFileInput
        return widget(attrs={"accept": ",".join(f".{extension}" for extension in definition.extensions)})
    raise TypeError(f"no widget for {type(definition).__name__}")


def widget_value(definition: Any, stored: Any) -> Any:
    """A stored value as its input shows it."""
    if is_empty(stored):
        return None
    if isinstance(definition, PersonDef | OrganisationDef):
        items = stored if isinstance(stored, list) else [stored]
        return ", ".join(str(item["id"] if isinstance(item, dict) else item) for item in items)
    if isinstance(definition, YesNoDef):
        return "true" if stored else "false"
    return stored


def help_of(definition: Any) -> str:
    parts = [definition.help]
    if isinstance(definition, AttachmentDef):
        parts.append(str(_("Files: %(types)s, each at most %(mb)s MB.")
                         % {"types": ", ".join(definition.extensions), "mb": f"{definition.max_size_mb:g}"}))
    return " ".join(part for part in parts if part)


class DefinedField(forms.Field):
    """A form field of a definition. With `check`, cleaning is the definition's own; without, the value is
    returned as sent, for `check_values` to check with the rest of the form."""

    def __init__(self, definition: Any, *, check: bool = True, **kwargs: Any) -> None:
        self.definition, self.check = definition, check
        kwargs.setdefault("label", definition.label)
        kwargs.setdefault("help_text", help_of(definition))
        super().__init__(required=False, widget=widget_for(definition), **kwargs)
        self.mandatory = definition.required

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("\r\n", "\n")
        if not self.check:
            return value
        try:
            return self.definition.clean(value)
        except FieldProblem as problem:
            raise forms.ValidationError(problem.message) from None

    def bound_data(self, data: Any, initial: Any) -> Any:
        return initial if isinstance(self.definition, AttachmentDef) and is_empty(data) else data


def _row_form(table: TableDef) -> type[forms.Form]:
    fields = {column.key: DefinedField(column, check=False) for column in table.columns}
    return type("TableRowForm", (forms.Form,), fields)


class DefinedForm(forms.Form):
    """The Django form of a form definition. After `is_valid()`, `values` holds what to store."""

    template_name = "campaigns/formdefs/form.html"

    def __init__(self, definition: FormDef, data: Any = None, files: Any = None, *, initial: Mapping[str, Any]
                 | None = None, resolver: Resolver | None = None, **kwargs: Any) -> None:
        self.definition, self.resolver = definition, resolver
        self.stored = dict(initial or {})
        shown = {field.key: widget_value(field, self.stored.get(field.key)) for field in definition.fields
                 if not isinstance(field, TableDef)}
        super().__init__(data, files, initial=shown, **kwargs)
        self.tables: dict[str, forms.BaseFormSet] = {}
        for field in definition.fields:
            if isinstance(field, TableDef):
                rows = [{column.key: widget_value(column, row.get(column.key)) for column in field.columns}
                        for row in self.stored.get(field.key) or []]
                formset = forms.formset_factory(_row_form(field), extra=max(1, field.min_rows - len(rows)),
                                                max_num=field.max_rows, absolute_max=field.max_rows)
                self.tables[field.key] = formset(data, files, initial=rows, prefix=self.add_prefix(field.key))
            else:
                self.fields[field.key] = DefinedField(field, check=False)
        self.values: dict[str, Any] = {}

    def parts(self) -> list[tuple[Any, Any]]:
        """(definition, bound field or formset) in the form's order, for the template."""
        return [(field, self.tables[field.key] if isinstance(field, TableDef) else self[field.key])
                for field in self.definition.fields]

    def is_valid(self) -> bool:
        valid = super().is_valid()  # checks the tables too, and puts their errors in their cells
        return all([valid, *(formset.is_valid() for formset in self.tables.values())])

    def clean(self) -> dict[str, Any]:
        raw = dict(super().clean() or {})
        for key, value in list(raw.items()):
            definition = self.definition.field(key)
            if isinstance(definition, AttachmentDef) and is_empty(value):
                raw[key] = self.stored.get(key)  # no new file: keep the one stored
        for key, formset in self.tables.items():
            formset.is_valid()  # reads the rows
            raw[key] = [getattr(form, "cleaned_data", {}) for form in formset.forms]
        self.values, errors = check_values(self.definition, raw, resolver=self.resolver)
        for error in errors:
            self._place(error)
        return raw

    def _place(self, error: FieldError) -> None:
        formset = self.tables.get(error.key)
        if formset is None:
            self.add_error(error.key, error.message)
        elif error.column is not None and error.row is not None and error.row <= len(formset.forms):
            formset.forms[error.row - 1].add_error(error.column, error.message)
            self.add_error(None, str(error))
        else:
            self.add_error(None, str(error))
