"""Where stored files lie: random keys under settings.SUZHI_FILES_DIR, written through a temporary file and a
rename, and removed again when the transaction that stored them does not commit."""

import contextlib
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction

_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}(?:-thumb\.(?:jpg|png))?$")


def files_dir() -> Path:
    return Path(settings.SUZHI_FILES_DIR)


def new_key() -> str:
    """A random key: two hex digits of folder, then 32 hex digits. No part of it comes from the upload."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"


def thumbnail_key(key: str, extension: str) -> str:
    return f"{key}-thumb.{extension}"


def path_of(key: str) -> Path:
    """The file of a key; a key not of our making (a path from elsewhere) is refused."""
    if not _KEY.match(key or ""):
        raise ValueError(f"not a stored-file key: {key!r}")
    return files_dir() / key


def temporary_path() -> Path:
    """A fresh temporary file name on the same file system as the stored files, so the final rename is atomic."""
    directory = files_dir() / "tmp"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{secrets.token_hex(16)}.part"


def move_into_place(temporary: Path, key: str) -> Path:
    final = path_of(key)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary.replace(final)
    return final


class _RemovedUnlessCommitted:
    """Registered with transaction.on_commit: called, the files are kept. Django drops the callbacks of a
    transaction or savepoint that rolls back; this object then goes (CPython frees it at once, it is in no
    reference cycle) and removes its files. A process that dies in between leaves files without a row, for the
    orphan sweep (not built yet)."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.paths = list(paths)
        self.committed = False

    def __call__(self) -> None:
        self.committed = True

    def __del__(self) -> None:
        if not self.committed:
            for path in self.paths:
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)


def remove_unless_committed(paths: Iterable[Path]) -> None:
    """Inside a transaction: remove these files if it rolls back."""
    transaction.on_commit(_RemovedUnlessCommitted(paths))
