"""The plan editor's own fields: text areas that keep the plan file's line ends, lists one item per line, small
YAML documents, and selects of keys defined elsewhere in the same plan."""

from collections.abc import Iterable
from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.plan.source import YamlSyntaxError, colon_slip, load_yaml


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
        # The text is code the organiser writes (its keys are the plan format's), not words shown to them.
        self.widget.attrs.update({"data-code": "yaml", "spellcheck": "false", "translate": "no"})

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


class LooseChoiceField(forms.ChoiceField):
    """A select of keys defined elsewhere in the same plan (phases, sections, activities) or of a registry.

    Any value is accepted here: the plan check says, by name and next to this field, when the key no longer
    exists (a phase just removed), which a plain select could only call "not one of the choices".
    """

    def valid_value(self, value: Any) -> bool:
        return True


class CodesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def number(value: Any) -> Any:
    """10000.0 shows as 10000."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def compact(data: dict[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
    """Drop empty optional values so the format's defaults apply and the file stays short."""
    kept = set(keep)
    return {k: v for k, v in data.items() if k in kept or v not in ("", None, [], {})}
