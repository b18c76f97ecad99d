"""The codes domain errors carried while the tests ran (tests/conftest.py collects them for the session).

Codes given at run time (a decision's reason code, say) escape the source walk of tests/core/test_error_codes.py;
at the end of the session `undeclared()` lists those not declared in suzhi.core.error_codes, and the run fails
on any.
"""

SEEN: dict[str, str] = {}


def collect(error: object) -> None:
    code = str(getattr(error, "code", ""))
    SEEN.setdefault(code, type(error).__qualname__)


def undeclared() -> list[str]:
    from suzhi.core.error_codes import declared

    known = declared()
    return sorted(f"{code} (a {kind})" for code, kind in SEEN.items() if code not in known)
