"""Helpers for `make test-pg`: the test database URL on a server, and a reachability check.

    python scripts/pg_url.py URL          prints URL with the database name set to "suzhi"
    python scripts/pg_url.py --check URL  exits 1 with a message when the server cannot be reached
"""

import sys
import urllib.parse


def with_database(url: str, name: str = "suzhi") -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def check(url: str) -> int:
    import psycopg

    target = with_database(url, "postgres")
    try:
        psycopg.connect(target, connect_timeout=5).close()
    except Exception as exc:  # noqa: BLE001 - any failure means "cannot test on PostgreSQL"
        print(f"PostgreSQL is not reachable at {urllib.parse.urlsplit(url).netloc}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2]))
    print(with_database(sys.argv[1]))
