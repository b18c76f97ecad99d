# Written by hand: active people counted per organisation and category key (PersonCount in suzhi.people.models
# says why), filled from the people on record with one statement on either database.

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "INSERT INTO people_personcount (organisation_id, category_key, people) "
    "SELECT organisation_id, category_key, COUNT(*) FROM people_person WHERE is_active "
    "GROUP BY organisation_id, category_key"
)


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0007_person_category_key'),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category_key', models.CharField(blank=True, default='', max_length=255)),
                ('people', models.IntegerField(default=0)),
                ('organisation', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                                   related_name='+', to='core.organisation')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('organisation', 'category_key'),
                                                        name='person_count_group')],
            },
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
