"""Helpers the tests of several apps share: spreadsheets to upload, uploaded files, participants with logins
and accounts in bulk. App-specific factories stay in tests/<app>/factories.py."""

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile


def xlsx(rows: Iterable[Sequence[Any]]) -> bytes:
    """An .xlsx workbook of one sheet holding `rows`, as bytes."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str | None = None) -> SimpleUploadedFile:
    """A file as a form or the API receives it."""
    if content_type is None:
        return SimpleUploadedFile(name, data)
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_participant(tree: Any, name: str = "王五", org: Any = None, categories: Sequence[str] = ("in_post",), *,
                     username: str | None = None) -> tuple[Any, Any]:
    """A person on the roster with a participant login, as person_login_create would leave them."""
    from tests.core.factories import UserFactory, grant
    from tests.people.factories import make_person

    person = make_person(name, org or tree.unit_a, categories=categories)
    user = UserFactory(username=username or f"p{person.pk}", organisation=person.organisation)
    grant(user, "participant", person.organisation)
    person.user = user
    person.save(update_fields=["user"])
    return person, user


_phones = iter(range(10**5))


def add_workers(org: Any, n: int) -> None:
    """`n` accounts with the participant role in `org`, each with its own mobile number."""
    from tests.core.factories import UserFactory, grant

    for _ in range(n):
        worker = UserFactory(organisation=org, phone=f"137{next(_phones):08d}")
        grant(worker, "participant", org)
