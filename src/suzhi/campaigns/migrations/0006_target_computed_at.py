# The time of computation moves from each target value to its target: a refresh now rewrites only the values that
# changed, and renewing the time on every value would rewrite them all. The target takes the latest time of its
# values. The value's column is made nullable before it goes, so that going back can re-add it, copy the target's
# time into it and then make it required again.

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Now


def times_to_targets(apps, schema_editor):
    Target = apps.get_model("campaigns", "Target")
    TargetValue = apps.get_model("campaigns", "TargetValue")
    latest = (TargetValue.objects.using(schema_editor.connection.alias).filter(target_id=OuterRef("pk"))
              .order_by().values("target_id").annotate(latest=Max("computed_at")).values("latest"))
    Target.objects.using(schema_editor.connection.alias).update(computed_at=Subquery(latest))


def times_to_values(apps, schema_editor):
    Target = apps.get_model("campaigns", "Target")
    TargetValue = apps.get_model("campaigns", "TargetValue")
    alias = schema_editor.connection.alias
    # A target always has its time once it has values; the fallback only keeps the column's NOT NULL satisfiable.
    of_target = Target.objects.using(alias).filter(pk=OuterRef("target_id")).values("computed_at")
    TargetValue.objects.using(alias).update(computed_at=Subquery(of_target))
    TargetValue.objects.using(alias).filter(computed_at__isnull=True).update(computed_at=Now())


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0005_metric_tallies"),
    ]

    operations = [
        migrations.AddField(
            model_name="target",
            name="computed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="computed at"),
        ),
        migrations.AlterField(
            model_name="targetvalue",
            name="computed_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(times_to_targets, times_to_values),
        migrations.RemoveField(
            model_name="targetvalue",
            name="computed_at",
        ),
    ]
