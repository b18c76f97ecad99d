"""Helpers for tests that need a second database session at a chosen moment (PostgreSQL row locks)."""

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection


@contextlib.contextmanager
def paused_inside(monkeypatch: Any, module: Any, name: str, work: Callable[[], Any]) -> Iterator[None]:
    """Run `work()` on another thread and stop it when it calls `module.name`, for the length of the block:
    whatever that thread holds at that point (its transaction's locks) is held while the block runs."""
    inside, release = threading.Event(), threading.Event()
    real = getattr(module, name)

    def paused(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        assert release.wait(timeout=30)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, paused)

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert inside.wait(timeout=30)
        yield
    finally:
        release.set()
        thread.join(timeout=30)


def started(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """`work()` started on another thread with its own database session: the thread, and a list that will hold
    [its result] or [the exception it raised] once it is done."""
    done: list[Any] = []

    def run() -> None:
        try:
            done.append(work())
        except Exception as exc:  # noqa: BLE001 - handed to the caller's assertion
            done.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done


def finishes_alone(work: Callable[[], Any], timeout: float = 10) -> list[Any]:
    """`work()` on another thread with its own database session: [its result], or [the exception it raised],
    or [] if it did not finish within `timeout` seconds (it is waiting for a lock)."""
    thread, done = started(work)
    thread.join(timeout=timeout)
    return done
