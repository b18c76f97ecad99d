"""Print a file once a TCP port accepts connections: `make demo` shows the demo logins after the development server's
start-up lines, so they are the last lines on the screen. Usage: when_listening.py HOST PORT FILE."""

import socket
import sys
import time


def main() -> int:
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            # Connected and closed without a request: the server logs nothing for it.
            with socket.create_connection((host, port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    else:
        return 1
    time.sleep(0.5)  # let the server's own start-up lines finish first
    with open(path, encoding="utf-8") as file:
        sys.stdout.write(file.read())
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
