"""On PostgreSQL: two certificates issued at the same moment by the same issuer never share a number; the second
waits for the first's hold on the issuer's sequence, then takes the next number. The same content issued twice at
once is one certificate, and no number is spent on the second."""

import pytest
from django.db import connection
from django.utils import timezone

from suzhi.certificates.models import Certificate, CertificateSequence
from suzhi.certificates.services import issue
from suzhi.core.models import OperationLog
from tests.certificates.factories import issue_honour
from tests.threads import paused_inside, waits_for_a_lock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")


@pytest.mark.parametrize("sequence_exists", [False, True])
def test_two_concurrent_issues_get_consecutive_numbers(tree, monkeypatch, sequence_exists):
    if sequence_exists:
        issue_honour(tree.town_a_admin, tree.town_a, key="earlier")
    first = len(Certificate.objects.all()) + 1
    # The first issue stops after taking its number (inside its transaction); the second starts meanwhile.
    with paused_inside(monkeypatch, issue, "new_codes", lambda: issue_honour(tree.town_a_admin, tree.town_a, key="a")):
        second = waits_for_a_lock(lambda: issue_honour(tree.town_a_admin, tree.town_a, key="b"))
    second.join()
    assert not isinstance(second.done[0], Exception), second.done
    year = timezone.localdate().year
    numbers = dict(Certificate.objects.filter(source_key__in=["a", "b"]).values_list("source_key", "number"))
    assert numbers == {"a": f"DH-QLZ-{year}-{first:06d}", "b": f"DH-QLZ-{year}-{first + 1:06d}"}


def test_the_same_content_issued_twice_at_once_is_one_certificate(tree, monkeypatch):
    with paused_inside(monkeypatch, issue, "new_codes", lambda: issue_honour(tree.town_a_admin, tree.town_a)):
        second = waits_for_a_lock(lambda: issue_honour(tree.town_a_admin, tree.town_a))
    second.join()
    assert second.done[0].pk == Certificate.objects.get().pk
    # The second saw the first's certificate once it had the sequence: it took no number.
    assert CertificateSequence.objects.get(issuer=tree.town_a).last == 1
    assert OperationLog.objects.filter(action="certificates.issue").count() == 1
