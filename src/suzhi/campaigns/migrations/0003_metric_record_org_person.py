# The targets' grouped queries read (campaign, metric) and then organisation, person and activity: with all of them
# in one index PostgreSQL answers them from the index alone, in organisation order, without visiting the table.
# It starts with the columns of metric_record_org, which it replaces. Activity is a key column rather than an
# INCLUDE so that the same index is declared on SQLite, which has no INCLUDE.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0002_role_permissions'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='metricrecord',
            name='metric_record_org',
        ),
        migrations.AddIndex(
            model_name='metricrecord',
            index=models.Index(fields=['campaign', 'metric', 'organisation', 'person', 'activity'],
                               name='metric_record_org_person'),
        ),
    ]
