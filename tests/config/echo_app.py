"""A WSGI app that answers with the name of the thread that served the request."""

import threading


def application(environ, start_response):
    body = threading.current_thread().name.encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
