import logging

from suzhi.core.logging import RedactPersonalDataFilter, redact


def test_redacts_ids_phones_tokens_and_passwords():
    text = redact("id 11010519491231002X phone 13812345678 Bearer sz_abcDEF123 password=Secret-1 ok")
    assert "11010519491231002X" not in text
    assert "13812345678" not in text
    assert "sz_abcDEF123" not in text
    assert "Secret-1" not in text
    assert text.endswith("ok")


def test_filter_rewrites_records():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login %s from %s", ("13812345678", "1.2.3.4"), None)
    RedactPersonalDataFilter().filter(record)
    assert "13812345678" not in record.getMessage()
    assert "1.2.3.4" in record.getMessage()
