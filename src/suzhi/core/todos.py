"""To-dos (待办) on the home page. Apps register providers that return what waits for a user."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Todo:
    label: str
    url: str
    count: int = 1


_PROVIDERS: dict[str, Callable[[Any], list[Todo]]] = {}


def register(key: str, provider: Callable[[Any], list[Todo]]) -> None:
    _PROVIDERS[key] = provider


def todos_for(user: Any) -> list[Todo]:
    result: list[Todo] = []
    for provider in _PROVIDERS.values():
        result.extend(provider(user))
    return result
