"""Training's own table of certificates of hours goes: they are the platform's certificates now (kind
"training.hours", migration 0004 copied them). Going back, the table is filled again from the platform's."""

from decimal import Decimal

from django.db import migrations


def restore(apps, schema_editor):
    HoursCertificate = apps.get_model("training", "HoursCertificate")
    Certificate = apps.get_model("certificates", "Certificate")
    HoursCertificate.objects.bulk_create([
        HoursCertificate(
            code=c.code, certificate=c, person_id=c.person_id, organisation_id=c.organisation_id or c.issuer_id,
            issuer_id=c.issuer_id, year=int(c.fields["year"]), total_hours=Decimal(str(c.fields["hours"])),
            sessions=int(c.fields["sessions"]), digest=c.digest, issued_at=c.issued_at, issued_by_id=c.issued_by_id)
        for c in Certificate.objects.filter(kind="training.hours", person__isnull=False).order_by("id")])


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0004_hours_certificate_platform"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore),
        migrations.DeleteModel(name="HoursCertificate"),
    ]
