"""One family of domain errors, rendered as {"code", "message", "detail"} in the API and the pages."""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every error a user can cause. Messages are translatable; Chinese by default."""

    status = 400
    code = "invalid"
    default_message: Any = _("The request could not be carried out.")

    def __init__(self, message: Any = None, *, code: str | None = None, detail: Any = None) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.detail = detail
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "detail": self.detail}


class MalformedRequest(DomainError):
    """The request body cannot be read at all (a multipart body without its boundary, say)."""

    status = 400
    code = "bad_request"
    default_message = _("The request could not be read: its body is malformed or does not match its content type.")


class ValueOutOfRange(DomainError):
    status = 422
    code = "validation_error"
    default_message = _("A number or text in the request is too large.")


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    default_message = _("Some fields are not valid.")


class NotFound(DomainError):
    """Also what callers get for objects outside their data scope: existence is not disclosed."""

    status = 404
    code = "not_found"
    default_message = _("The object does not exist or is outside your data scope.")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("The change conflicts with existing data.")


class AuthenticationFailed(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = _("Please log in first.")


class AccountLocked(DomainError):
    status = 429
    code = "account_locked"
    default_message = _("Too many failed logins. Try again later.")


class PasswordChangeRequired(DomainError):
    status = 403
    code = "password_change_required"
    default_message = _("You must change your password before continuing.")


# What a caller sees when the server fails; the details are in the server's log.
SERVER_ERROR_MESSAGE = _("The server ran into an error. Please try again later or tell your administrator.")
