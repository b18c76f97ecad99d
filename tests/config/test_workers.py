"""The gunicorn worker that serves answer saves on threads of their own."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from suzhi.config.workers import is_answer_save

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("head", "expected"), [
    (b"PUT /api/v1/contests/attempts/12/answers/3 HTTP/1.1\r\nHost: x\r\n", True),
    (b"PUT /api/v1/contests/attempts/12/answers/3", True),  # the rest not arrived yet
    (b"POST /api/v1/contests/attempts/12/submit HTTP/1.1\r\n", False),
    (b"GET /api/v1/contests/attempts/12 HTTP/1.1\r\n", False),
    (b"PUT /api/v1/people/3 HTTP/1.1\r\nX-Note: /answers/\r\n", False),  # only the request line counts
    (b"", False),
])
def test_answer_saves_are_told_from_the_request_line(head, expected):
    assert is_answer_save(head) is expected


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "tests.config.echo_app:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--keep-alive", "10", "--log-level", "warning",
         "--worker-class", "suzhi.config.workers.AnswersFirstWorker"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_an_answer_save_on_a_kept_alive_connection_is_served_by_the_answer_threads(server):
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)

    def served_by(method: str, path: str) -> str:
        conn.request(method, path, body=b"{}" if method == "PUT" else None)
        response = conn.getresponse()
        assert response.status == 200
        return response.read().decode()

    assert not served_by("GET", "/api/v1/auth/ping").startswith("answers")
    time.sleep(0.2)  # the connection is back with the worker's poller, kept alive
    assert served_by("PUT", "/api/v1/contests/attempts/1/answers/0").startswith("answers")
    time.sleep(0.2)
    assert not served_by("POST", "/api/v1/contests/attempts/1/submit").startswith("answers")
    conn.close()


def test_a_new_connection_is_sorted_once_its_request_arrives(server):
    """A proxy opens a connection and writes the request a moment later: the answer still gets its threads."""
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        time.sleep(0.3)  # accepted with nothing to read yet
        sock.sendall(b"PUT /api/v1/contests/attempts/1/answers/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                     b"Connection: close\r\n\r\n{}")
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200") and reply.split(b"\r\n\r\n", 1)[1].startswith(b"answers")


def test_a_request_read_ahead_after_a_body_is_still_sorted(server):
    """Two requests sent in one go (pipelined): the second sits in gunicorn's buffer, not in the socket."""
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        sock.sendall(b"POST /api/v1/contests/attempts/1/submit HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                     b"PUT /api/v1/contests/attempts/1/answers/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                     b"Connection: close\r\n\r\n{}")
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    bodies = [part.split(b"\r\n", 1)[0] for part in reply.split(b"\r\n\r\n")[1:]]
    assert len(bodies) == 2 and not bodies[0].startswith(b"answers") and bodies[1].startswith(b"answers"), reply
