# Counts per organisation and category key (MetricOrgCount, MetricReachCount) replace the per-organisation-and-person
# tallies, and the per-person tallies copy the person's organisation, category key and status (see the models). The
# next migration recounts them.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0006_target_computed_at'),
        ('core', '0004_export_keep_days'),
        ('people', '0007_person_category_key'),
    ]

    operations = [
        migrations.DeleteModel(name='MetricOrgTally'),
        # Emptied, then recounted in the next migration: its own transaction, since on PostgreSQL this one's
        # constraints are added at its end, which cannot follow inserts into the same tables.
        migrations.RunSQL("DELETE FROM campaigns_metrictally", migrations.RunSQL.noop),
        migrations.AddField(
            model_name='metrictally',
            name='organisation',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name='+', to='core.organisation'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='metrictally',
            name='categories',
            field=models.CharField(blank=True, default='', max_length=255),
        ),
        migrations.AddField(
            model_name='metrictally',
            name='active',
            field=models.BooleanField(default=True),
        ),
        migrations.CreateModel(
            name='MetricOrgCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('metric', models.CharField(max_length=100)),
                ('activity_key', models.PositiveBigIntegerField()),
                ('categories', models.CharField(blank=True, default='', max_length=255)),
                ('people', models.IntegerField(default=0)),
                ('records', models.IntegerField(default=0)),
                ('campaign', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                               related_name='+', to='campaigns.campaign')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                                   to='core.organisation')),
            ],
            options={
                'constraints': [models.UniqueConstraint(
                    fields=('campaign', 'metric', 'activity_key', 'organisation', 'categories'),
                    name='metric_org_count_group')],
            },
        ),
        migrations.CreateModel(
            name='MetricReachCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('metric', models.CharField(max_length=100)),
                ('at_least', models.PositiveSmallIntegerField()),
                ('categories', models.CharField(blank=True, default='', max_length=255)),
                ('people', models.IntegerField(default=0)),
                ('campaign', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                               related_name='+', to='campaigns.campaign')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                                   to='core.organisation')),
            ],
            options={
                'constraints': [models.UniqueConstraint(
                    fields=('campaign', 'metric', 'at_least', 'organisation', 'categories'),
                    name='metric_reach_count_group')],
            },
        ),
    ]
