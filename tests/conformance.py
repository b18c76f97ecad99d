"""Where the shared conformance files (real files of systems Suzhi reads, e.g. Moodle's GIFT fixtures) are.

They live beside the project, not in it (they are other projects' test data): `SUZHI_CONFORMANCE_DIR`, else the
`shared/conformance` folder next to this checkout, else the workplace's `/work/shared/conformance`. Without them
the tests that need them skip, except under CI, which must run them.
"""

import os
from pathlib import Path

import pytest

_CANDIDATES = [
    os.environ.get("SUZHI_CONFORMANCE_DIR", ""),
    str(Path(__file__).resolve().parents[2] / "shared" / "conformance"),
    "/work/shared/conformance",
]


def conformance_dir(name: str) -> Path:
    """The folder of one conformance set (e.g. "moodle-gift"); skips (fails under CI) when it is nowhere."""
    for candidate in _CANDIDATES:
        if candidate and (Path(candidate) / name).is_dir():
            return Path(candidate) / name
    reason = f"conformance files {name!r} not found (set SUZHI_CONFORMANCE_DIR)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)
