"""Access logs never hold the query string, where searches put ID numbers and phones (issue 13)."""

import datetime
import logging
import re
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

from suzhi.config import gunicorn_conf
from suzhi.core.logging import AccessLogFilter

ID_NUMBER = "11010519491231002X"
PHONE = "13712345678"
README = Path(__file__).resolve().parents[2] / "README.md"


def _server_record(request_line: str) -> logging.LogRecord:
    # What django.core.servers.basehttp.WSGIRequestHandler.log_message logs for each request.
    return logging.getLogger("django.server").makeRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', (request_line, "200", "1234"), None
    )


def test_the_development_server_log_drops_the_query_string():
    record = _server_record(f"GET /people/?q={ID_NUMBER}&phone={PHONE} HTTP/1.1")
    AccessLogFilter().filter(record)
    line = record.getMessage()
    assert line == '"GET /people/ HTTP/1.1" 200 1234'
    assert not re.search(r"\d{4}", line.replace("1234", "").replace("1.1", "").replace("200", ""))


def test_the_filter_is_on_the_django_server_logger():
    """Configured by settings.LOGGING (Django's own django.server logger prints the request line as is)."""
    filters = logging.getLogger("django.server").filters
    assert any(isinstance(f, AccessLogFilter) for f in filters)
    record = _server_record(f"GET /training/people/?q={ID_NUMBER} HTTP/1.1")
    for f in filters:
        f.filter(record)
    assert ID_NUMBER[6:14] not in record.getMessage() and "?" not in record.getMessage()


def test_gunicorn_access_log_format_has_no_query_string_or_referrer():
    fmt = gunicorn_conf.access_log_format
    for atom in ("%(r)s", "%(q)s", "%(f)s", "{referer}i", "{query_string}e", "{raw_uri}e"):
        assert atom.lower() not in fmt.lower()
    cfg = Config()
    cfg.set("access_log_format", fmt)
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": f"/people/?q={ID_NUMBER}", "PATH_INFO": "/people/",
        "QUERY_STRING": f"q={ID_NUMBER}", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": f"https://suzhi.example.org/people/?q={PHONE}", "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = Logger(cfg).atoms_wrapper_class(
        Logger(cfg).atoms(response, request, environ, datetime.timedelta(milliseconds=12)))
    line = cfg.access_log_format % atoms
    assert '"GET /people/ HTTP/1.1" 200 512' in line
    assert ID_NUMBER not in line and PHONE not in line


def test_the_readme_production_command_uses_that_format():
    text = README.read_text(encoding="utf-8")
    command = text[text.index("gunicorn suzhi.config.wsgi"):]
    command = command[:command.index("```")]
    assert "-c python:suzhi.config.gunicorn_conf" in command and "--access-logfile" in command
    assert "--access-logformat" not in command
