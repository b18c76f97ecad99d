# Recounts the tallies the previous migration emptied or added, from the records and the people, on the server, as
# metric_tallies_rebuild does (a campaign may already hold millions of records).

from django.db import migrations

RECOUNT = [
    "INSERT INTO campaigns_metrictally (campaign_id, metric, person_id, records, organisation_id, categories, active) "
    "SELECT r.campaign_id, r.metric, r.person_id, COUNT(*), p.organisation_id, p.category_key, p.is_active "
    "FROM campaigns_metricrecord r JOIN people_person p ON p.id = r.person_id "
    "GROUP BY r.campaign_id, r.metric, r.person_id, p.organisation_id, p.category_key, p.is_active",
    "INSERT INTO campaigns_metricorgcount (campaign_id, metric, activity_key, organisation_id, categories, people, "
    "records) SELECT r.campaign_id, r.metric, r.activity_id, r.organisation_id, p.category_key, "
    "COUNT(DISTINCT r.person_id), COUNT(*) FROM campaigns_metricrecord r JOIN people_person p ON p.id = r.person_id "
    "GROUP BY r.campaign_id, r.metric, r.activity_id, r.organisation_id, p.category_key",
    "INSERT INTO campaigns_metricorgcount (campaign_id, metric, activity_key, organisation_id, categories, people, "
    "records) SELECT r.campaign_id, r.metric, 0, r.organisation_id, p.category_key, "
    "COUNT(DISTINCT r.person_id), COUNT(*) FROM campaigns_metricrecord r JOIN people_person p ON p.id = r.person_id "
    "GROUP BY r.campaign_id, r.metric, r.organisation_id, p.category_key",
    # MetricReachCount.LEVELS was 3 when this migration was written.
    "INSERT INTO campaigns_metricreachcount (campaign_id, metric, at_least, organisation_id, categories, people) "
    "SELECT t.campaign_id, t.metric, levels.k, t.organisation_id, t.categories, COUNT(*) FROM campaigns_metrictally t "
    "JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) levels ON t.records >= levels.k AND t.active "
    "GROUP BY t.campaign_id, t.metric, levels.k, t.organisation_id, t.categories",
]


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0007_metric_org_counts'),
    ]

    operations = [migrations.RunSQL(sql, migrations.RunSQL.noop) for sql in RECOUNT]
