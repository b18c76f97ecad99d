"""Helpers for tests that need a second database session at a chosen moment (PostgreSQL row locks).

Whether a thread waits for a lock is read from PostgreSQL (pg_stat_activity) rather than guessed from how long it
took, so the outcome does not depend on how busy the machine is."""

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

# Only a hung test ever reaches these; a slow machine does not change an outcome.
PATIENCE = 120.0


@contextlib.contextmanager
def paused_inside(monkeypatch: Any, module: Any, name: str, work: Callable[[], Any]) -> Iterator[None]:
    """Run `work()` on another thread and stop it when it calls `module.name`, for the length of the block:
    whatever that thread holds at that point (its transaction's locks) is held while the block runs."""
    inside, release = threading.Event(), threading.Event()
    real = getattr(module, name)

    def paused(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        assert release.wait(timeout=PATIENCE)
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
        assert inside.wait(timeout=PATIENCE)
        yield
    finally:
        release.set()
        thread.join(timeout=PATIENCE)


@dataclass
class Started:
    """A thread running work with its own database session; `done` holds [its result] or [the exception it raised]
    once it has finished; `backend` is its PostgreSQL backend's process id once it has connected."""

    thread: threading.Thread
    done: list[Any] = field(default_factory=list)
    backend: list[int] = field(default_factory=list)
    connected: threading.Event = field(default_factory=threading.Event)

    def join(self, timeout: float = PATIENCE) -> None:
        self.thread.join(timeout=timeout)

    def is_alive(self) -> bool:
        return self.thread.is_alive()


def started(work: Callable[[], Any]) -> Started:
    """`work()` started on another thread with its own database session."""
    handle = Started(thread=threading.Thread(target=lambda: None))

    def run() -> None:
        try:
            connection.ensure_connection()
            if connection.vendor == "postgresql":
                handle.backend.append(connection.connection.info.backend_pid)
            handle.connected.set()
            handle.done.append(work())
        except Exception as exc:  # noqa: BLE001 - handed to the caller's assertion
            handle.done.append(exc)
        finally:
            handle.connected.set()
            connection.close()

    handle.thread = threading.Thread(target=run)
    handle.thread.start()
    return handle


def _waiting_for_lock(backend: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [backend])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def waits_or_finishes(handle: Started) -> str:
    """"waiting" as soon as the thread's session waits for a lock (row, transaction or advisory), "finished" if
    it ends first. Polls PostgreSQL; no sleep decides the outcome."""
    assert handle.connected.wait(timeout=PATIENCE), "the thread never connected"
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if not handle.thread.is_alive():
            return "finished"
        if handle.backend and _waiting_for_lock(handle.backend[0]):
            return "waiting"
        time.sleep(0.005)
    raise AssertionError("the thread neither finished nor waited for a lock")


def finishes_alone(work: Callable[[], Any]) -> list[Any]:
    """`work()` on another thread with its own database session: [its result], or [the exception it raised], or
    [] if it had to wait for a lock held by someone else (it is then left to finish once that lock goes)."""
    handle = started(work)
    if waits_or_finishes(handle) == "waiting":
        return []
    handle.join()
    return handle.done


def waits_for_a_lock(work: Callable[[], Any]) -> Started:
    """`work()` started on another thread, returned once its session waits for a lock; fails if it finishes
    without waiting."""
    handle = started(work)
    outcome = waits_or_finishes(handle)
    assert outcome == "waiting", f"it did not wait for a lock: {handle.done}"
    return handle
