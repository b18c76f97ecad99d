"""One family of domain errors, rendered as {"code", "message", "detail"} in the API and the pages.

Every code is declared in suzhi.core.error_codes; raise with a declared member: `Conflict(message,
code=CoreErrors.ROLE_IN_USE)`."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from suzhi.core.error_codes import CoreErrors


class DomainError(Exception):
    """Base of every error a user can cause. Messages are translatable; Chinese by default."""

    status = 400
    code: str = CoreErrors.INVALID
    default_message: Any = _("The request could not be carried out.")

    def __init__(self, message: Any = None, *, code: str | None = None, detail: Any = None) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.detail = detail
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": str(self.message), "detail": self.detail}


class MalformedRequest(DomainError):
    """The request body cannot be read at all (a multipart body without its boundary, say)."""

    status = 400
    code: str = CoreErrors.BAD_REQUEST
    default_message = _("The request could not be read: its body is malformed or does not match its content type.")


class ValueOutOfRange(DomainError):
    status = 422
    code: str = CoreErrors.VALIDATION_ERROR
    default_message = _("A number or text in the request is too large.")


class ValidationFailed(DomainError):
    status = 422
    code: str = CoreErrors.VALIDATION_ERROR
    default_message = _("Some fields are not valid.")


class NotFound(DomainError):
    """Also what callers get for objects outside their data scope: existence is not disclosed."""

    status = 404
    code: str = CoreErrors.NOT_FOUND
    default_message = _("The object does not exist or is outside your data scope.")


class PermissionDenied(DomainError):
    status = 403
    code: str = CoreErrors.PERMISSION_DENIED
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    status = 409
    code: str = CoreErrors.CONFLICT
    default_message = _("The change conflicts with existing data.")


class AuthenticationFailed(DomainError):
    status = 401
    code: str = CoreErrors.NOT_AUTHENTICATED
    default_message = _("Please log in first.")


class AccountLocked(DomainError):
    status = 429
    code: str = CoreErrors.ACCOUNT_LOCKED
    default_message = _("Too many failed logins. Try again later.")


class PasswordChangeRequired(DomainError):
    status = 403
    code: str = CoreErrors.PASSWORD_CHANGE_REQUIRED
    default_message = _("You must change your password before continuing.")


# What a caller sees when the server fails; the details are in the server's log.
SERVER_ERROR_MESSAGE = _("The server ran into an error. Please try again later or tell your administrator.")
