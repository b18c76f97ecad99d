"""The public verification page answers anyone; a client that asks more often than a person checking papers
would is slowed (per address, in the cache shared by the app servers)."""

from django.core.cache import cache
from django.http import HttpRequest

from suzhi.core.request_context import client_ip

VERIFY_LIMIT, VERIFY_WINDOW = 60, 600


def verify_throttled(request: HttpRequest) -> bool:
    key = f"certificates.verify:{client_ip(request) or '-'}"
    if cache.add(key, 1, VERIFY_WINDOW):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, VERIFY_WINDOW)
        return False
    return count > VERIFY_LIMIT
