"""A kind's settings model (Pydantic) as form fields, so the plan editor shows settings as fields in Chinese.

A settings model names each field for people with `Label` in its annotation:

    default_hours: Annotated[float, Label(_("Credit hours of a session"))] = Field(2, gt=0, le=200)
    forms: Annotated[list[TrainingForm], Label(_("Forms"), options={"class": _("Class"), …})] = …

Plain types become field definitions: text (str), number (int, float; bounds from gt/ge/lt/le), yes/no (bool),
choice (Literal), multiple choice (list of Literal) and lines (list of str, one per line). Anything else (a
nested model, a list of rules) is edited as YAML (`definition` None). A field without a Label shows its name.
"""

import dataclasses
import types
import typing
from typing import Annotated, Any, Literal, cast

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from suzhi.campaigns.formdefs.fields import (
    ChoiceDef,
    LongTextDef,
    MultiChoiceDef,
    NumberDef,
    TextDef,
    YesNoDef,
)
from suzhi.campaigns.plan.schema import Label


@dataclasses.dataclass(frozen=True)
class SettingField:
    key: str
    label: str
    help: str
    default: Any
    definition: Any = None  # a field definition; None: edited as YAML
    lines: bool = False  # a list of text, edited one item per line


def _label(info: FieldInfo) -> Label | None:
    return next((item for item in info.metadata if isinstance(item, Label)), None)


def _optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _bounds(info: FieldInfo, whole: bool) -> dict[str, Any]:
    """min, max (inclusive: a whole number greater than 0 is at least 1) and max_length of a field."""
    found: dict[str, Any] = {}
    for item in info.metadata:
        if isinstance(item, annotated_types.Gt):
            found["min"] = cast(Any, item.gt) + 1 if whole else item.gt
        elif isinstance(item, annotated_types.Ge):
            found["min"] = item.ge
        elif isinstance(item, annotated_types.Lt):
            found["max"] = cast(Any, item.lt) - 1 if whole else item.lt
        elif isinstance(item, annotated_types.Le):
            found["max"] = item.le
        elif isinstance(item, annotated_types.MaxLen):
            found["max_length"] = item.max_length
    return found


def _options(values: tuple[Any, ...], label: Label | None) -> list[dict[str, str]]:
    names = label.options if label else {}
    return [{"value": str(value), "label": str(names.get(str(value), value))} for value in values]


def _definition(key: str, annotation: Any, info: FieldInfo, label: Label | None) -> tuple[Any, bool]:
    """(field definition or None, lines)."""
    base = {"key": key, "label": str(label.text) if label else key, "help": str(label.help) if label else ""}
    if typing.get_origin(annotation) is Annotated:  # a constrained type of the plan schema (Key, Title …)
        annotation = typing.get_args(annotation)[0]
    bounds = _bounds(info, whole=annotation is int)
    origin = typing.get_origin(annotation)
    if annotation is bool:
        return YesNoDef.model_validate({"type": "yes_no", **base}), False
    if annotation in (int, float):
        limits = {k: v for k, v in bounds.items() if k in ("min", "max")}
        return NumberDef.model_validate({"type": "number", "decimals": 0 if annotation is int else None,
                                         **limits, **base}), False
    if annotation is str:
        return TextDef.model_validate({"type": "text", "max_length": min(bounds.get("max_length", 200), 2000),
                                       **base}), False
    if origin is Literal:
        return ChoiceDef.model_validate({"type": "choice", "options": _options(typing.get_args(annotation), label),
                                         **base}), False
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        item = FieldInfo.from_annotation(item).annotation
        if typing.get_origin(item) is Literal:
            return MultiChoiceDef.model_validate({"type": "multi_choice",
                                                  "options": _options(typing.get_args(item), label), **base}), False
        if item is str:
            return LongTextDef.model_validate({"type": "long_text", **base}), True
    return None, False


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def settings_fields(model: type[BaseModel]) -> list[SettingField]:
    """The fields of a kind's settings model, in its order."""
    found = []
    for key, info in model.model_fields.items():
        label = _label(info)
        annotation, _optional_ = _optional(info.annotation)
        definition, lines = _definition(key, annotation, info, label)
        default = info.get_default(call_default_factory=True) if info.default is not PydanticUndefined or \
            info.default_factory is not None else None
        found.append(SettingField(key=key, label=str(label.text) if label else key,
                                  help=str(label.help) if label else "", default=_jsonable(default),
                                  definition=definition, lines=lines))
    return found
