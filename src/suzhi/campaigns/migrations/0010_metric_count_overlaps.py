# MetricOrgCount.people_overlaps, and its values from the records already there, as metric_tallies_rebuild counts them: for
# each person with records of a metric at several organisations, per activity and over every activity (0), one at
# the lowest common ancestor of each two of their organisations next to each other in tree order. Written out here
# rather than imported, so that the migration keeps doing what it did when the code changes.

from collections import Counter, defaultdict

from django.db import migrations, models

STEP = 4  # treebeard's step length of the organisations' paths


def fill_overlaps(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT r.campaign_id, r.metric, r.activity_id, r.person_id, o.path, p.category_key "
            "FROM campaigns_metricrecord r JOIN core_organisation o ON o.id = r.organisation_id "
            "JOIN people_person p ON p.id = r.person_id "
            "WHERE (r.campaign_id, r.metric, r.person_id) IN (SELECT campaign_id, metric, person_id "
            "FROM campaigns_metricrecord GROUP BY campaign_id, metric, person_id "
            "HAVING COUNT(DISTINCT organisation_id) > 1)")
        places: dict[tuple, set[str]] = defaultdict(set)
        for campaign_id, metric, activity_id, person_id, path, key in cursor.fetchall():
            for activity_key in (activity_id, 0):
                places[(campaign_id, metric, activity_key, person_id, key)].add(path)
        found: Counter = Counter()
        for (campaign_id, metric, activity_key, _person_id, key), paths in places.items():
            ordered = sorted(paths)
            for first, second in zip(ordered, ordered[1:], strict=False):
                common = 0
                while common < min(len(first), len(second)) and first[common] == second[common]:
                    common += 1
                common -= common % STEP
                if common:
                    found[(campaign_id, metric, activity_key, first[:common], key)] += 1
        if not found:
            return
        cursor.execute("SELECT path, id FROM core_organisation")
        ids = dict(cursor.fetchall())
        cursor.executemany(
            "INSERT INTO campaigns_metricorgcount (campaign_id, metric, activity_key, organisation_id, categories, "
            "people, records, people_overlaps) VALUES (%s, %s, %s, %s, %s, 0, 0, %s) "
            "ON CONFLICT (campaign_id, metric, activity_key, categories, organisation_id) "
            "DO UPDATE SET people_overlaps = excluded.people_overlaps",
            [(campaign_id, metric, activity_key, ids[path], key, n)
             for (campaign_id, metric, activity_key, path, key), n in sorted(found.items())])


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0009_counts_key_first'),
    ]

    operations = [
        migrations.AddField(
            model_name='metricorgcount',
            name='people_overlaps',
            field=models.IntegerField(db_default=0, default=0),
        ),
        migrations.RunPython(fill_overlaps, migrations.RunPython.noop),
    ]
