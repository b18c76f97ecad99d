"""Every code a domain error carries (the "code" of {"code", "message", "detail"}), declared once.

A code is what API clients and the pages branch on, so it is declared with a short description, and never
twice: an app declares its own codes as one `ErrorCodes` enumeration in its `error_codes.py` module, each member
a code and what it means; errors are raised with a member, `Conflict(message, code=TrainingErrors.ATTENDED)`.
Codes the core and several apps share (files, permissions, the eligibility decision's reasons) are declared by
the app that owns the rule and imported from there.

`declared()` finds every installed app's `error_codes` module. tests/core/test_error_codes.py walks the
source for a raise without a declared code, and the test session fails on any code an error carried while the
tests ran that was not declared (tests/conftest.py).
"""

from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured

_DECLARED: dict[str, "ErrorCodes"] = {}
_discovered = False


class ErrorCodes(StrEnum):
    """Base of an app's error codes: `NAME = "code", "What it means."`. A member is the code string itself."""

    description: str

    def __new__(cls, value: str, description: str = "") -> "ErrorCodes":
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    @classmethod
    def _declare(cls) -> None:
        for member in cls:
            if not member.description:
                raise ImproperlyConfigured(f"Error code {member.value!r} ({cls.__qualname__}) has no description.")
            other = _DECLARED.get(member.value)
            if other is not None and type(other) is not cls:
                first = f"{type(other).__module__}.{type(other).__name__}"
                raise ImproperlyConfigured(f"Error code {member.value!r} is declared twice: in {first} and "
                                           f"{cls.__module__}.{cls.__name__}; import the first instead.")
            _DECLARED[member.value] = member


def declare(codes: type[ErrorCodes]) -> type[ErrorCodes]:
    """Class decorator of an app's `ErrorCodes`: enters its members in the registry."""
    codes._declare()
    return codes


@declare
class CoreErrors(ErrorCodes):
    """The error family's own codes and what the core refuses."""

    # The classes of suzhi.core.errors
    INVALID = "invalid", "The request could not be carried out (base of the family; raise a specific code)."
    BAD_REQUEST = "bad_request", "The request body cannot be read at all."
    VALIDATION_ERROR = "validation_error", "Fields are not valid; `detail` lists each field and its message."
    NOT_FOUND = "not_found", "The object does not exist or is outside the caller's data scope."
    PERMISSION_DENIED = "permission_denied", "The caller lacks the permission."
    CONFLICT = "conflict", "The change conflicts with existing data (base; raise a specific code)."
    NOT_AUTHENTICATED = "not_authenticated", "No login, or an unknown API token."
    ACCOUNT_LOCKED = "account_locked", "Too many failed logins or activations; wait."
    PASSWORD_CHANGE_REQUIRED = "password_change_required", "The account must change its password first."
    # What the API answers for errors outside the family (suzhi.core.api.base)
    METHOD_NOT_ALLOWED = "method_not_allowed", "The operation does not take this HTTP method."
    ERROR = "error", "Another HTTP error of the API framework; the status says which."
    SERVER_ERROR = "server_error", "The server failed (a bug, logged); nothing the caller can put right."
    # Logins and accounts
    ACCOUNT_DISABLED = "account_disabled", "The account is disabled."
    BAD_CREDENTIALS = "bad_credentials", "Wrong username or password."
    TOKEN_EXPIRED = "token_expired", "The API token has expired, been revoked or lain idle too long."
    ESCALATION_REFUSED = "escalation_refused", "Granting or taking over more than the actor holds."
    ALREADY_ASSIGNED = "already_assigned", "The account already holds this role in this organisation."
    OWN_ACCOUNT = "own_account", "An administrator acted on their own account where that is not allowed."
    ACTIVATION_CODE_REFUSED = "activation_code_refused", "The activation code is unknown, used or expired."
    BUILTIN_ROLE = "builtin_role", "A built-in role cannot be deleted."
    ROLE_IN_USE = "role_in_use", "The role is still assigned."
    # Organisations and notices
    ORG_IN_USE = "org_in_use", "The organisation still has people, accounts or other records; `detail` counts them."
    TREE_FULL = "tree_full", "The organisation tree has no room for more children under this parent."
    NOTICE_WITHDRAWN = "notice_withdrawn", "A withdrawn notice cannot be changed or withdrawn again."
    NOTICE_NOT_DRAFT = "notice_not_draft", "Only a draft notice can be published."
    # Uploaded files and imports
    FILE_TOO_LARGE = "file_too_large", "The upload or the sheet inside it is over a size limit."
    NOT_A_SPREADSHEET = "not_a_spreadsheet", "The file cannot be read as a spreadsheet."
    BAD_ENCODING = "bad_encoding", "A CSV file is neither UTF-8 nor GBK/GB18030."
    EMPTY_FILE = "empty_file", "The file, sheet or list has no data rows."
    TOO_MANY_ROWS = "too_many_rows", "The sheet has more rows than one import takes."
    NO_HEADER = "no_header", "No header row was found near the top of the sheet."
    MISSING_COLUMNS = "missing_columns", "Required columns are missing from the header row."
    # Attachments (suzhi.core.files)
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed", "The file's type (its extension) is not one this upload takes."
    FILE_CONTENT_MISMATCH = "file_content_mismatch", "The file's content is not what its extension says, or is damaged."
    FILE_UNSAFE = "file_unsafe", (
        "The file is refused as unsafe: an image over the pixel limit, or an archive with paths leaving its folder.")
    BLIND_COPY_UNAVAILABLE = "blind_copy_unavailable", (
        "A copy without author metadata cannot be made of this file (its type, or it is damaged).")


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("error_codes")
    _discovered = True


def declared() -> dict[str, ErrorCodes]:
    """Every declared code, with its member (which says what it means and which app declared it)."""
    _discover()
    return dict(_DECLARED)


def is_declared(code: str) -> bool:
    return code in declared()
