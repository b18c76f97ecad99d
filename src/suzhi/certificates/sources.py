"""Where certificates come from (来源): each kind that issues certificates registers itself here once, keyed by
its kind string ("training.hours", "honour"), with a function giving the current digest of a source object.

The public verification page asks that function to tell whether what a certificate certified has changed since
it was issued. The functions are given as dotted paths, imported when first called, so this app never imports
a kind. `facts` (optional) turns a certificate's snapshot into labelled lines for the verification page."""

import dataclasses
from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import import_string

Label = str | Promise


@dataclasses.dataclass(frozen=True)
class Source:
    kind: str
    label: Label
    # digest(source_key: str) -> str | None: the content as it stands now; None when the source is gone.
    digest: str
    # facts(fields: dict) -> list[tuple[label, value]]: what the verification page lists besides the title.
    facts: str = ""

    def current_digest(self, source_key: str) -> str | None:
        return _call(self.digest, source_key)

    def facts_of(self, fields: dict[str, Any]) -> list[tuple[Label, str]]:
        return list(_call(self.facts, fields)) if self.facts else []


_SOURCES: dict[str, Source] = {}


def _call(dotted: str, *args: Any) -> Any:
    func: Callable[..., Any] = import_string(dotted)
    return func(*args)


def register_source(kind: str, *, label: Label, digest: str, facts: str = "") -> None:
    existing = _SOURCES.get(kind)
    source = Source(kind, label, digest, facts)
    if existing is not None and existing != source:
        raise ValueError(f"The certificate kind {kind!r} is registered twice.")
    _SOURCES[kind] = source


def unregister_source(kind: str) -> None:
    """For tests that register an example source and take it away again."""
    _SOURCES.pop(kind, None)


def source_for(kind: str) -> Source | None:
    return _SOURCES.get(kind)


def kind_label(kind: str) -> Label:
    source = _SOURCES.get(kind)
    return source.label if source else kind
