"""A form definition as a Pydantic model, for the API's request and response documentation (django-ninja reads
Pydantic models) and as JSON Schema.

The model describes the shape: each field titled by its label, with its help, unit and bounds. The checking
with Chinese messages stays `values.clean_values`: an endpoint takes the body as this model's dict and cleans it
(the model's own English errors would otherwise answer first).
"""

import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, create_model

from suzhi.campaigns.formdefs.fields import (
    AttachmentDef,
    ChoiceDef,
    DateDef,
    FormDef,
    LongTextDef,
    MultiChoiceDef,
    NumberDef,
    OrganisationDef,
    PersonDef,
    TableDef,
    TextDef,
    YesNoDef,
)


class Ref(BaseModel):
    """A person or organisation as stored: its id and its name when the form was submitted."""

    id: int
    name: str


class Attachment(BaseModel):
    """An uploaded file: its name, its size in bytes and the kind's reference to the stored file."""

    name: str
    size: int
    ref: str = ""


def _annotation(definition: Any, name: str, *, stored: bool) -> Any:
    if isinstance(definition, TextDef | LongTextDef):
        return str
    if isinstance(definition, NumberDef):
        return int if definition.decimals == 0 else float
    if isinstance(definition, DateDef):
        return datetime.date
    if isinstance(definition, ChoiceDef):
        return Literal[tuple(option.value for option in definition.options)]  # type: ignore[misc]
    if isinstance(definition, MultiChoiceDef):
        return list[Literal[tuple(option.value for option in definition.options)]]  # type: ignore[misc]
    if isinstance(definition, YesNoDef):
        return bool
    if isinstance(definition, PersonDef | OrganisationDef):
        one = Ref if stored else int
        return list[one] if definition.multiple else one  # type: ignore[valid-type]
    if isinstance(definition, AttachmentDef):
        return list[Attachment]
    if isinstance(definition, TableDef):
        return list[_model(definition.columns, f"{name}_{definition.key}", stored=stored)]  # type: ignore[misc]
    raise TypeError(f"no annotation for {type(definition).__name__}")


def _description(definition: Any) -> str | None:
    parts = [definition.help]
    if isinstance(definition, NumberDef) and definition.unit:
        parts.append(_("Unit: %(unit)s.") % {"unit": definition.unit})
    if isinstance(definition, AttachmentDef):
        parts.append(_("Files: %(types)s, each at most %(mb)s MB.")
                     % {"types": ", ".join(definition.extensions), "mb": f"{definition.max_size_mb:g}"})
    return " ".join(part for part in parts if part) or None


def _constraints(definition: Any) -> dict[str, Any]:
    if isinstance(definition, TextDef | LongTextDef):
        return {"max_length": definition.max_length}
    if isinstance(definition, NumberDef):
        return {"ge": definition.min, "le": definition.max}
    if isinstance(definition, TableDef):
        return {"min_length": definition.min_rows or None, "max_length": definition.max_rows}
    if isinstance(definition, AttachmentDef):
        return {"max_length": definition.max_files}
    return {}


def _model(fields: list[Any], name: str, *, stored: bool) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for definition in fields:
        annotation = _annotation(definition, name, stored=stored)
        constraints = {k: v for k, v in _constraints(definition).items() if v is not None}
        info = Field(... if definition.required else None, title=definition.label,
                     description=_description(definition), **constraints)
        definitions[definition.key] = (annotation if definition.required else annotation | None, info)
    return create_model(name, __config__=ConfigDict(extra="forbid"), **definitions)


def api_model(form: FormDef, name: str = "FormValues", *, stored: bool = False) -> type[BaseModel]:
    """The values of `form` as a Pydantic model named `name`: what a client sends (people and organisations by
    id) or, with `stored`, what is stored and answered (people and organisations as {id, name})."""
    return _model(list(form.fields), name, stored=stored)


def json_schema(form: FormDef, *, stored: bool = False) -> dict[str, Any]:
    return api_model(form, stored=stored).model_json_schema()
