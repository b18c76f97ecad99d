"""An activity in the plan editor: when each of its kind's actions is open, as a row of phase boxes per action,
and the kind's settings as fields, all labelled in Chinese from the kind's manifest.

Which actions and settings show depends on the kind, so they are built for the kind the row has. When the kind
is changed in the browser, the fields shown are still the old kind's: the page says so at the kind and shows the
new kind's fields, and nothing is saved until they have been seen (`shown_kind`, posted with the row, is the
kind they were shown for).

A setting keeps its place in the plan file only when the plan gave it or when it differs from the kind's default,
so a plan saved unchanged is the same plan.
"""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns import kinds
from suzhi.campaigns.formdefs.djforms import DefinedField, widget_value
from suzhi.campaigns.formdefs.fields import MultiChoiceDef
from suzhi.campaigns.formdefs.settings import SettingField, settings_fields
from suzhi.campaigns.forms.editor.fields import (
    CodesField,
    LinesField,
    LooseChoiceField,
    TextField,
    YamlField,
    compact,
)
from suzhi.campaigns.forms.editor.rows import KEY_HELP, EditorForm

OPEN_IN = "open_in__"
SETTING = "settings__"
SHOWN_KIND = "shown_kind"


def _setting_field(setting: SettingField) -> forms.Field:
    if setting.definition is None:
        expect = list if isinstance(setting.default, list) else dict
        return YamlField(label=setting.label, expect=expect, rows=4, required=False, help_text=" ".join(
            part for part in (setting.help, _g("Written in YAML.")) if part))
    if setting.lines:
        return LinesField(label=setting.label, rows=3, help_text=" ".join(
            part for part in (setting.help, _g("One per line.")) if part))
    return DefinedField(setting.definition)


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer("kind", [(k.code, k.label) for k in kinds.kinds()], blank="—")
        self.offer("section", self.choices.get("sections", []), blank=_("(none)"))
        self.offer("org_types", self.choices.get("org_type", []))
        self.offer("person_categories", self.choices.get("person_category", []))
        self.manifest = kinds.kind(str(self.current("kind") or ""))
        self.open_in_before: dict[str, list[str]] = dict(self.initial.get("open_in") or {})
        self.settings_before: dict[str, Any] = dict(self.initial.get("settings") or {})
        self.settings: list[SettingField] = []
        if self.manifest is None:
            return
        for action, label in self.manifest.actions.items():
            name = OPEN_IN + action
            self.fields[name] = CodesField(label=str(label), required=False)
            self.initial[name] = list(self.open_in_before.get(action, []))
            self.offer(name, self.choices.get("phases_titled", []))
        self.settings = settings_fields(self.manifest.settings_schema)
        for setting in self.settings:
            name = SETTING + setting.key
            self.fields[name] = _setting_field(setting)
            value = self.settings_before.get(setting.key, setting.default)
            self.initial[name] = widget_value(setting.definition, value) if setting.definition else value
        if self.is_bound and self.data.get(self.add_prefix(SHOWN_KIND), "") != self.manifest.code:
            self._show_initial()

    def _show_initial(self) -> None:
        """The kind was changed in the browser: its fields were not on the page, so they show their initial
        values (the plan's or the kind's defaults) rather than nothing."""
        data = cast(Any, self.data).copy()
        for name, field in self.fields.items():
            if not name.startswith((OPEN_IN, SETTING)) or self.initial.get(name) is None:
                continue
            value = self.initial[name]
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                data.setlist(self.add_prefix(name), [str(item) for item in value])
            elif isinstance(field, LinesField | YamlField):
                data[self.add_prefix(name)] = field.prepare_value(value)
            else:
                data[self.add_prefix(name)] = str(value)
        self.data = data

    shows_kind = True  # the page posts `shown_kind` with the row

    @property
    def kind_shown(self) -> str:
        return self.manifest.code if self.manifest is not None else ""

    def field_groups(self) -> list[dict[str, Any]]:
        groups = super().field_groups()
        groups[0]["fields"] = [f for f in groups[0]["fields"] if not f.name.startswith((OPEN_IN, SETTING))]
        if self.manifest is None:
            groups.append({"legend": _g("Actions and settings"), "refresh": True,
                           "help": _g("Choose the kind, then show its actions and settings."), "fields": []})
            return groups
        groups.append({"legend": _g("Open in phases"), "fields": [self[OPEN_IN + a] for a in self.manifest.actions],
                       "help": _g("For each action, tick the phases in which it is open; none ticked: never open.")})
        groups.append({"legend": _g("Settings of “%(kind)s”") % {"kind": self.manifest.label}, "refresh": True,
                       "fields": [self[SETTING + s.key] for s in self.settings],
                       "help": _g("Empty: the kind's default.")})
        return groups

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        shown = self.data.get(self.add_prefix(SHOWN_KIND), "")
        if self.manifest is not None and shown != self.manifest.code:
            self.add_error("kind", _("Check this kind's actions and settings below, then save again."))
        return data

    def field_for(self, parts: tuple[str | int, ...]) -> str | None:
        if len(parts) >= 2 and parts[0] in ("open_in", "settings"):
            name = (OPEN_IN if parts[0] == "open_in" else SETTING) + str(parts[1])
            if name in self.fields:
                return name
        return super().field_for(parts)

    def _open_in(self) -> dict[str, list[str]]:
        if self.manifest is None:
            return self.open_in_before
        open_in = {}
        for action in self.manifest.actions:
            ticked = self.cleaned_data.get(OPEN_IN + action) or []
            if ticked or action in self.open_in_before:
                open_in[action] = ticked
        return open_in

    def _settings(self) -> dict[str, Any]:
        own = {setting.key for setting in self.settings}
        settings = {k: v for k, v in self.settings_before.items() if k not in own}  # another kind's: the check says
        for setting in self.settings:
            value = self.cleaned_data.get(SETTING + setting.key)
            before = self.settings_before.get(setting.key)
            if isinstance(setting.definition, MultiChoiceDef) and isinstance(value, list):
                # Ticked options keep the plan's order (a ranking's order matters); new ones follow.
                kept = [v for v in before or [] if v in value] if isinstance(before, list) else []
                value = kept + [v for v in value if v not in kept]
            if value is None or (setting.definition is None and value == {}):  # empty: the default applies
                if setting.key in self.settings_before and before == value:
                    settings[setting.key] = value
                continue
            if value != setting.default or setting.key in self.settings_before:
                settings[setting.key] = value
        return settings

    def to_plan(self) -> dict[str, Any]:
        data = {k: v for k, v in self.values().items() if not k.startswith((OPEN_IN, SETTING))}
        data["open_in"] = self._open_in()
        data["settings"] = self._settings()
        return compact(data, self.keep)
