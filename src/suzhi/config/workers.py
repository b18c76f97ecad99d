"""A gunicorn worker whose answer saves never queue behind slower requests.

In a contest window everyone starts at the same moment: hundreds of starts (each builds a paper) arrive together,
and the answers of the first to start follow seconds later. gunicorn's threaded worker serves requests first come,
first served from one pool of threads, so an answer (one UPDATE) waited for every start queued before it. This
worker gives answer saves a few threads of their own, a bulkhead: the request line is peeked at (not read) when a
connection has data (a new connection waits on the poller until it has), and `PUT …/answers/…` goes to the answer
threads, everything else to the usual pool. It extends gunicorn 27's threaded worker (pyproject pins the series).

    gunicorn suzhi.config.wsgi --worker-class suzhi.config.workers.AnswersFirstWorker --threads 2 …

Within a worker the threads share one interpreter lock, which a busy thread hands over only every few
milliseconds; an answer save takes it again after each round trip to Redis or the database, so with the default
5 ms it waited longer for the lock than it worked. The worker hands it over every millisecond
(`SUZHI_GIL_SWITCH_MS`). `SUZHI_ANSWER_THREADS` sets the answer threads per worker (default: half of --threads, at
least 2). Each thread holds its own database connection: workers × (threads + answer threads) in all.
"""

import os
import selectors
import socket
import sys
import time
from concurrent import futures
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

_PEEK_BYTES = 160


def is_answer_save(head: bytes) -> bool:
    """Whether the start of a request is an answer save: `PUT /api/v1/contests/attempts/<id>/answers/<slot>`."""
    line = head.split(b"\r\n", 1)[0]
    return line.startswith(b"PUT /api/v1/contests/attempts/") and b"/answers/" in line


class AnswersFirstWorker(ThreadWorker):
    def init_process(self) -> None:
        sys.setswitchinterval(float(os.environ.get("SUZHI_GIL_SWITCH_MS") or 1) / 1000)
        threads = int(os.environ.get("SUZHI_ANSWER_THREADS") or max(2, self.cfg.threads // 2))
        self.answer_pool = futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="answers")
        super().init_process()

    def _head(self, conn: Any) -> bytes | None:
        """The start of the connection's next request, without consuming it; None if nothing has arrived."""
        # What the parser already read ahead (after a request body), then what waits in the socket.
        unreader = getattr(getattr(conn, "parser", None), "unreader", None)
        buffered = unreader.buf.getvalue() if unreader is not None else b""
        try:
            waiting = conn.sock.recv(_PEEK_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except OSError:
            waiting = b""
        head = buffered + waiting
        return head or None

    def enqueue_req(self, conn: Any) -> None:
        if self.cfg.is_ssl or getattr(conn, "is_http2", False):
            super().enqueue_req(conn)  # neither can be read in plain text before the handshake
            return
        head = self._head(conn)
        if head is None and not conn.initialized and not conn.data_ready and self.alive:
            # A new connection whose request has not arrived yet (a proxy connects, then writes): it waits on the
            # poller, as gunicorn parks a connection that sent nothing, and is sorted when its request is there.
            conn.sock.setblocking(False)
            conn.timeout = time.monotonic() + self.cfg.keepalive
            self.pending_conns.append(conn)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))
            return
        if head is None or not is_answer_save(head):
            super().enqueue_req(conn)
            return
        done = self.answer_pool.submit(self.handle, conn)
        done.add_done_callback(lambda fut: self.method_queue.defer(self.finish_request, conn, fut))

    def handle_quit(self, sig: Any, frame: Any) -> None:
        self.answer_pool.shutdown(wait=False)
        super().handle_quit(sig, frame)

    def run(self) -> None:
        try:
            super().run()
        finally:
            self.answer_pool.shutdown(wait=False)
