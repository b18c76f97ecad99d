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


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = ()
        return True
