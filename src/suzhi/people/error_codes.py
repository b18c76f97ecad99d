"""The roster's error codes (see suzhi.core.error_codes)."""

from suzhi.core.error_codes import ErrorCodes, declare


@declare
class PeopleErrors(ErrorCodes):
    PERSON_LINKED = "person_linked", "The person is linked to another account already."
    ACCOUNT_LINKED = "account_linked", "The account is linked to another person already."
    ALREADY_INACTIVE = "already_inactive", "The person is already deactivated."
    ALREADY_ACTIVE = "already_active", "The person is already active."
    LOGIN_EXISTS = "login_exists", "The person already has a login."
    INACTIVE = "inactive", "The person is deactivated (not on a roster now)."
    PERSON_REMOVED = "person_removed", "Someone on the roster was removed while a file was being imported."
