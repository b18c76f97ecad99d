from typing import Any

LOADED: list[Any] = []


def load_reading_demo(admin: Any) -> None:
    """A kind's demo data would be loaded here; the example notes that the platform called it."""
    LOADED.append(admin)
