"""The certificates' error codes (see suzhi.core.error_codes)."""

from suzhi.core.error_codes import ErrorCodes, declare


@declare
class CertificateErrors(ErrorCodes):
    REVOKED = "certificate_revoked", "The certificate has been revoked already."
    REASON_REQUIRED = "revoke_reason_required", "A certificate is revoked only with a reason."
    BAD_PLACEHOLDER = "bad_placeholder", "The template names a placeholder that does not exist or is malformed."
    UNKNOWN_KIND = "unknown_certificate_kind", "No source of certificates is registered under that kind."
    TOO_MANY = "too_many_certificates", "Too many certificates asked for at once."
    THROTTLED = "verify_throttled", "Too many verification requests from one address; try again later."
