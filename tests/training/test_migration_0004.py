"""Migrations 0004 and 0005: certificates of hours issued before the move (training's own table) become the
platform's certificates with the same codes and numbers in the order they were issued; the address printed on
them still answers; going back fills training's table again."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from suzhi.certificates.models import Certificate
from suzhi.training.selectors.certificates import attendances_of, content_digest, hours_of
from suzhi.training.services import certificates
from tests.training.test_records import THIS_YEAR, worker  # noqa: F401 - the fixture

# Migrations change the schema, which SQLite cannot do inside the transaction a test otherwise runs in.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("training", "0003_hourscertificate")]


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _leaf():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_certificates_issued_before_the_move_keep_their_codes(tree, worker, client):  # noqa: F811
    person, _user, _sessions = worker
    digest = content_digest(person, THIS_YEAR, list(attendances_of(person, THIS_YEAR)))
    issued_at = timezone.now()
    older_at = issued_at - timezone.timedelta(seconds=5)
    try:
        old_apps = _migrate(BEFORE)
        Hours = old_apps.get_model("training", "HoursCertificate")
        common = {"person_id": person.pk, "organisation_id": tree.unit_a.pk, "issuer_id": tree.committee.pk}
        Hours.objects.create(code="ABCD2345EFGH", year=THIS_YEAR, total_hours=Decimal("4.5"), sessions=2,
                             digest=digest, issued_at=issued_at, issued_by_id=tree.town_a_admin.pk, **common)
        Hours.objects.create(code="WXYZ2345EFGH", year=THIS_YEAR - 1, total_hours=Decimal("3"), sessions=1,
                             digest="0" * 64, issued_at=older_at, issued_by_id=None, **common)
        _migrate(_leaf())
        old, older = Certificate.objects.get(code="ABCD2345EFGH"), Certificate.objects.get(code="WXYZ2345EFGH")
        assert old.kind == older.kind == "training.hours" and old.source_key == f"{person.pk}/{THIS_YEAR}"
        assert hours_of(old) == (THIS_YEAR, Decimal("4.5"), 2) and hours_of(older) == (THIS_YEAR - 1, Decimal("3"), 1)
        assert old.person == person and old.organisation == tree.unit_a and old.issuer == tree.committee
        assert old.issued_by == tree.town_a_admin and old.issued_at == issued_at and old.digest == digest
        assert "王小五" in old.fields["text"]["body"] and "4.5" in old.fields["text"]["body"]
        # Numbered per issuer and year of issue, in the order they were issued.
        year, older_year = timezone.localdate(issued_at).year, timezone.localdate(older_at).year
        assert older.number == f"DH-ZWH-{older_year}-000001"
        assert old.number == f"DH-ZWH-{year}-{2 if older_year == year else 1:06d}"
        for url in (f"/verify/{old.code}/", f"/training/verify/{old.code}/", "/training/verify/abcd-2345-efgh/"):
            response = client.get(url)
            html = response.content.decode()
            assert response.status_code == 200 and 'data-state="valid"' in html and "王*五" in html, url
        assert 'data-state="changed"' in client.get(f"/verify/{older.code}/").content.decode()
        # Issuing the same hours now hands back the migrated certificate; a new one continues the numbers.
        assert certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk,
                                              year=THIS_YEAR).pk == old.pk
        # Back: training's table holds them again, the platform's copies go.
        old_apps = _migrate(BEFORE)
        Hours = old_apps.get_model("training", "HoursCertificate")
        assert sorted(Hours.objects.values_list("code", "year", "total_hours", "sessions")) == [
            ("ABCD2345EFGH", THIS_YEAR, Decimal("4.5"), 2), ("WXYZ2345EFGH", THIS_YEAR - 1, Decimal("3"), 1)]
        assert not Certificate.objects.filter(kind="training.hours").exists()
    finally:
        _migrate(_leaf())
