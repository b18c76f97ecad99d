"""A submission's stored values as people read them: (label, text) in the form's order."""

from typing import Any

from suzhi.campaigns.formdefs.fields import (
    AttachmentDef,
    ChoiceDef,
    FormDef,
    MultiChoiceDef,
    NumberDef,
    TableDef,
    plain_number,
)


def _text(definition: Any, value: Any) -> str:
    if value is None or value == [] or value == "":
        return ""
    if isinstance(definition, ChoiceDef | MultiChoiceDef):
        items = value if isinstance(value, list) else [value]
        return "、".join(definition.text_of(item) for item in items)
    if isinstance(definition, AttachmentDef):
        return "、".join(str(item.get("name", "")) for item in value if isinstance(item, dict))
    if isinstance(definition, NumberDef):
        return f"{plain_number(float(value))} {definition.unit}".strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return str(value.get("name", ""))
    if isinstance(value, list):
        return "、".join(str(item.get("name", item)) if isinstance(item, dict) else str(item) for item in value)
    return str(value)


def shown_values(form: FormDef | None, values: dict[str, Any]) -> list[tuple[str, str]]:
    if form is None:
        return []
    rows = []
    for definition in form.fields:
        if isinstance(definition, TableDef):
            lines = ["；".join(f"{column.label}：{_text(column, row.get(column.key))}" for column in definition.columns)
                     for row in values.get(definition.key) or []]
            rows.append((definition.label, "\n".join(lines)))
        else:
            rows.append((definition.label, _text(definition, values.get(definition.key))))
    return rows
