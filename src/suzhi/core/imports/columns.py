"""The columns of an import: the header the template writes, the other headers people use for it, whether the
file must have it, and the dropdown values its template offers."""

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language

from suzhi.core.excel import cell_text

# Spaces, stars marking required columns, separators, and anything in brackets ("题型（必填）", "学时(小时)").
_NOISE = re.compile(r"[\s\u3000*＊_\-:：]|[(（\[【][^)）\]】]*[)）\]】]")


def normalise_header(value: Any) -> str:
    """A header cell as the lookup compares it: half-width, without noise, lower case."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", cell_text(value))).lower()


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise  # the header the template (and an export meant to be imported again) writes
    required: bool = False
    variants: tuple[str, ...] = ()  # other headers people use for it
    choices: tuple[str, ...] = ()  # fixed dropdown values of the template; dictionaries are given when writing
    help: str | Promise = ""


class Columns:
    """An importer's columns, in template order, and how its header row is recognised.

    `is_header` decides whether a row's known columns (key -> position) make it the header row; by default a row
    is the header when it has every required column.
    """

    def __init__(self, columns: Iterable[Column], *,
                 is_header: Callable[[dict[str, int]], bool] | None = None) -> None:
        self.columns: tuple[Column, ...] = tuple(columns)
        self.keys = [c.key for c in self.columns]
        self.required = [c for c in self.columns if c.required]
        self._is_header = is_header
        self._lookups: dict[str, dict[str, str]] = {}

    def __iter__(self) -> Any:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def __getitem__(self, index: int) -> Column:
        return self.columns[index]

    def get(self, key: str) -> Column:
        return self.columns[self.keys.index(key)]

    def index(self, key: str) -> int:
        return self.keys.index(key)

    @property
    def labels(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def lookup(self) -> dict[str, str]:
        """Normalised header text -> column key; the labels in the current language too, so a template
        downloaded in any language reads back."""
        language = get_language() or ""
        found = self._lookups.get(language)
        if found is None:
            found = {}
            for column in self.columns:
                for name in (*column.variants, str(column.label)):
                    found.setdefault(normalise_header(name), column.key)
            self._lookups[language] = found
        return found

    def key_of(self, value: Any) -> str | None:
        return self.lookup().get(normalise_header(value))

    def is_header(self, found: dict[str, int]) -> bool:
        if self._is_header is not None:
            return self._is_header(found)
        return bool(found) and all(c.key in found for c in self.required)

    def subset(self, keys: Sequence[str], *, required: Iterable[str]) -> "Columns":
        """Some of the columns, in the order given, with `required` the ones the file must have."""
        needed = set(required)
        return Columns(dataclasses.replace(self.get(key), required=key in needed) for key in keys)
