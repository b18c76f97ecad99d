"""Keep personal data and secrets out of application logs (等保: no password or token in any log)."""

import logging
import re

# 18-digit resident ID numbers, mainland mobiles, bearer tokens and password-ish key=value pairs.
_PATTERNS = [
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), "[ID]"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "[PHONE]"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1[TOKEN]"),
    (re.compile(r"(?i)((?:password|passwd|pwd|token|secret)[\"']?\s*[:=]\s*[\"']?)[^\s&\"',}]+"), r"\1[REDACTED]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


_QUERY_STRING = re.compile(r"\?[^\s\"]*")


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = ()
        return True


class AccessLogFilter(logging.Filter):
    """Request lines (the development server's `django.server` log) without their query strings, then
    redacted: searches put names, phones and ID numbers in the query string (?q=…)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(_QUERY_STRING.sub("", message))
        if cleaned != message:
            record.msg = cleaned
            record.args = ()
        return True
