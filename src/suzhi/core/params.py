"""System parameters (系统参数), read through the cache; services clear it on every change."""

from typing import Any

from django.core.cache import cache

from suzhi.core.models import SystemParameter

_CACHE_KEY = "suzhi:params:v1"


def all_params() -> dict[str, Any]:
    values = cache.get(_CACHE_KEY)
    if values is None:
        values = {p.key: _typed(p.value, p.value_type) for p in SystemParameter.objects.all()}
        cache.set(_CACHE_KEY, values, 300)
    return values


def get_param(key: str, default: Any = None) -> Any:
    return all_params().get(key, default)


def positive_int(key: str, default: int) -> int:
    """A parameter that must be a whole number above zero; anything else (missing, 0, text) gives `default`."""
    value = get_param(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


# API tokens (接口令牌): the longest (and default) validity, and how many days unused before one lapses.
API_TOKEN_DAYS = "api_token_days"
API_TOKEN_DAYS_DEFAULT = 90
API_TOKEN_IDLE_DAYS = "api_token_idle_days"
API_TOKEN_IDLE_DAYS_DEFAULT = 30

# Activation codes (激活码) printed on activation sheets: days until an unused code lapses.
ACTIVATION_CODE_DAYS = "activation_code_days"
ACTIVATION_CODE_DAYS_DEFAULT = 14


def forget() -> None:
    cache.delete(_CACHE_KEY)


def _typed(value: str, value_type: str) -> Any:
    if value_type == SystemParameter.ValueType.INT:
        try:
            return int(value)
        except ValueError:
            return None
    if value_type == SystemParameter.ValueType.BOOL:
        return value.strip().lower() in {"1", "true", "yes", "on", "是"}
    return value
