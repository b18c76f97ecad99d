"""A source of certificates for the tests, registered as kind "test.award": its current digests are what the test
puts in CURRENT (a source object missing from it is gone)."""

from tests.certificates.factories import KIND

CURRENT: dict[str, str] = {}


def digest(source_key: str) -> str | None:
    return CURRENT.get(source_key)


def facts(fields: dict) -> list[tuple[str, str]]:
    return [("理由", fields.get("reason", ""))]


def register() -> None:
    from suzhi.certificates.sources import register_source

    CURRENT.clear()
    register_source(KIND, label="荣誉", digest=f"{__name__}.digest", facts=f"{__name__}.facts")


def unregister() -> None:
    from suzhi.certificates.sources import unregister_source

    unregister_source(KIND)
    CURRENT.clear()
