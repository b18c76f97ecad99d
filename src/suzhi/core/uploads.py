"""An uploaded spreadsheet kept between an import's preview and its confirmation (导入预览 → 确认导入).

The file waits in MEDIA_ROOT/imports/ under a random token the session holds, so the browser never names
a file on the server; the error report of the last run sits next to it for download. Uploads of sessions
that never confirm, of every kind of import, are swept once older than `SUZHI_STAGED_UPLOAD_MAX_AGE` seconds
(a day by default): whenever any upload is staged, and by `suzhi sweep_uploads` (for a daily cron job).
"""

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest

DEFAULT_MAX_AGE = 24 * 3600


def staged_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def staged_uploads_sweep(*, now: float | None = None) -> int:
    """Delete the staged uploads and error reports older than `SUZHI_STAGED_UPLOAD_MAX_AGE`; returns how many."""
    directory = staged_directory()
    if not directory.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - int(getattr(settings, "SUZHI_STAGED_UPLOAD_MAX_AGE",
                                                                 DEFAULT_MAX_AGE))
    removed = 0
    for old in directory.iterdir():
        try:
            if old.is_file() and old.stat().st_mtime < cutoff:
                old.unlink()
                removed += 1
        except FileNotFoundError:  # swept meanwhile by another request
            continue
    return removed


class StagedUpload:
    def __init__(self, name: str) -> None:
        self.name = name
        self.session_key = f"staged_upload:{name}"

    def _directory(self) -> Path:
        return staged_directory()

    def _paths(self, token: str) -> tuple[Path, Path]:
        if not token.isalnum():
            raise Http404
        directory = self._directory()
        return directory / f"{self.name}-{token}.upload", directory / f"{self.name}-{token}-errors.xlsx"

    def discard(self, request: HttpRequest) -> None:
        stored = request.session.pop(self.session_key, None)
        if stored:
            for file in self._paths(stored["token"]):
                file.unlink(missing_ok=True)

    def store(self, request: HttpRequest, data: bytes, filename: str, **extra: Any) -> None:
        self.discard(request)
        directory = self._directory()
        directory.mkdir(parents=True, exist_ok=True)
        staged_uploads_sweep()
        token = secrets.token_hex(16)
        self._paths(token)[0].write_bytes(data)
        request.session[self.session_key] = {"token": token, "filename": filename, **extra}

    def get(self, request: HttpRequest) -> tuple[bytes, str, dict[str, Any]] | None:
        """The stored bytes, the original file name and the extra values given to `store`."""
        stored = request.session.get(self.session_key)
        if not stored:
            return None
        upload = self._paths(stored["token"])[0]
        if not upload.exists():
            return None
        extra = {k: v for k, v in stored.items() if k not in ("token", "filename")}
        return upload.read_bytes(), stored["filename"], extra

    def consume(self, request: HttpRequest) -> None:
        """The import ran: a second confirmation must not run it again; the error report stays."""
        stored = request.session.get(self.session_key)
        if stored:
            self._paths(stored["token"])[0].unlink(missing_ok=True)

    def store_errors(self, request: HttpRequest, content: bytes | None) -> None:
        stored = request.session.get(self.session_key)
        if not stored:
            return
        errors_file = self._paths(stored["token"])[1]
        if content:
            errors_file.write_bytes(content)
        else:
            errors_file.unlink(missing_ok=True)

    def errors_file(self, request: HttpRequest) -> Path:
        """The error report of the last run, or 404."""
        stored = request.session.get(self.session_key)
        if not stored:
            raise Http404
        errors_file = self._paths(stored["token"])[1]
        if not errors_file.exists():
            raise Http404
        return errors_file
