# Per-person record counts that targets read instead of every record (see MetricTally and MetricOrgTally), kept by
# metric_record_put/remove; filled here from the records already stored, on the server in one statement each since
# a campaign may already hold millions of records.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0004_target_value_no_db_keys'),
        ('core', '0004_export_keep_days'),
        ('people', '0004_person_fewer_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='MetricOrgTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('metric', models.CharField(max_length=100)),
                ('records', models.PositiveIntegerField()),
                ('campaign', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaigns.campaign')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.organisation')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.person')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('campaign', 'metric', 'organisation', 'person'), name='metric_org_tally_person')],
            },
        ),
        migrations.CreateModel(
            name='MetricTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('metric', models.CharField(max_length=100)),
                ('records', models.PositiveIntegerField()),
                ('campaign', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaigns.campaign')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='metric_tallies', to='people.person')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('campaign', 'metric', 'person'), name='metric_tally_person')],
            },
        ),
        migrations.RunSQL(
            "INSERT INTO campaigns_metrictally (campaign_id, metric, person_id, records) "
            "SELECT campaign_id, metric, person_id, COUNT(*) FROM campaigns_metricrecord "
            "GROUP BY campaign_id, metric, person_id",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "INSERT INTO campaigns_metricorgtally (campaign_id, metric, organisation_id, person_id, records) "
            "SELECT campaign_id, metric, organisation_id, person_id, COUNT(*) FROM campaigns_metricrecord "
            "GROUP BY campaign_id, metric, organisation_id, person_id",
            migrations.RunSQL.noop,
        ),
    ]
