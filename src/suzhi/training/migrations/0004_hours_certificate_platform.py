"""Certificates of hours move onto the platform's certificates (suzhi.certificates): each one issued so far gets
its Certificate, with the same verification code (what is printed on paper keeps verifying) and a number taken
from its issuer's sequence of the year it was issued, in the order they were issued. Migration 0005 then removes
training's own table."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

KIND = "training.hours"


def _statement(name, organisation, year, hours, sessions):
    # The same wording the service writes (suzhi.training.services.certificates).
    return ngettext(
        "%(name)s, of %(organisation)s, attended %(sessions)d training session in %(year)d and was credited "
        "%(hours)s hours in total.",
        "%(name)s, of %(organisation)s, attended %(sessions)d training sessions in %(year)d and was credited "
        "%(hours)s hours in total.", sessions) % {
        "name": name, "organisation": organisation, "sessions": sessions, "year": year, "hours": hours}


def forwards(apps, schema_editor):
    HoursCertificate = apps.get_model("training", "HoursCertificate")
    Certificate = apps.get_model("certificates", "Certificate")
    Sequence = apps.get_model("certificates", "CertificateSequence")
    rows = HoursCertificate.objects.filter(certificate__isnull=True).select_related(
        "person", "organisation", "issuer").order_by("issued_at", "id")
    with translation.override(settings.LANGUAGE_CODE):
        heading = gettext("Certificate of training hours")
        closing = gettext("This is to certify.")
        for row in rows:
            year = timezone.localdate(row.issued_at).year
            sequence, _created = Sequence.objects.get_or_create(issuer=row.issuer, year=year)
            sequence.last += 1
            sequence.save(update_fields=["last"])
            hours = f"{row.total_hours.normalize():f}"
            body = _statement(row.person.name, row.organisation.name, row.year, hours, row.sessions)
            certificate = Certificate.objects.create(
                number=f"{row.issuer.code.upper()}-{year}-{sequence.last:06d}", code=row.code, kind=KIND,
                source_key=f"{row.person_id}/{row.year}", digest=row.digest, title=heading,
                recipient_name=row.person.name, person=row.person, organisation=row.organisation, issuer=row.issuer,
                issued_at=row.issued_at,
                issued_by=row.issued_by,
                fields={"year": row.year, "hours": hours, "sessions": row.sessions,
                        "organisation": row.organisation.name,
                        "text": {"heading": heading, "body": body, "closing": closing, "signature": row.issuer.name}})
            row.certificate = certificate
            row.save(update_fields=["certificate"])


def backwards(apps, schema_editor):
    # Going back, training's own rows are the certificates again: the platform's copies go (their codes stay on the
    # training rows), so that going forward once more does not meet them.
    apps.get_model("training", "HoursCertificate").objects.update(certificate=None)
    apps.get_model("certificates", "Certificate").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_role_permissions"),
        ("training", "0003_hourscertificate"),
    ]

    operations = [
        migrations.AddField(
            model_name="hourscertificate",
            name="certificate",
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                       to="certificates.certificate", verbose_name="certificate"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
