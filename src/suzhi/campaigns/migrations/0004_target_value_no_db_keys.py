# Target values are a cache rewritten whole on every refresh: checking their two foreign keys for each written row
# cost more than computing the values, so the keys are Django's only (deletes still cascade, through Django), and
# the unique (target, organisation) is the only index to maintain besides the primary key.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0003_metric_record_org_person'),
        ('core', '0004_export_keep_days'),
    ]

    operations = [
        migrations.AlterField(
            model_name='targetvalue',
            name='organisation',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.organisation'),
        ),
        migrations.AlterField(
            model_name='targetvalue',
            name='target',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='values', to='campaigns.target'),
        ),
    ]
