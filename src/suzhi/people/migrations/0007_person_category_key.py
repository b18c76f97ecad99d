# Written by hand: a person's categories kept on the person row as well (Person.category_key says why and the
# format), filled from the category links of the people already on record.

from django.db import migrations, models

CHUNK = 5000  # people per UPDATE batch on databases other than PostgreSQL

# One statement on the server, not a round trip per person. A million people with 1.7 million links took 17 s on
# a development machine: 0.7 s to build the keys, the rest to write a new version of every row with categories.
FILL_POSTGRESQL = (
    "UPDATE people_person AS p SET category_key = k.category_key "
    "FROM (SELECT person_id, ',' || string_agg(dictitem_id::text, ',' ORDER BY dictitem_id) || ',' AS category_key "
    "FROM people_person_categories GROUP BY person_id) AS k "
    "WHERE p.id = k.person_id"
)


def _key(item_ids):
    # A copy of suzhi.people.category_keys.category_key as it is today: a migration must not change with the code.
    ids = sorted(set(item_ids))
    return "," + ",".join(str(pk) for pk in ids) + "," if ids else ""


def fill_category_keys(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(FILL_POSTGRESQL)
        return
    # Elsewhere (SQLite) the links of the next CHUNK people at a time, each person's key built in Python
    # (group_concat does not promise an order), and those people's keys written at once.
    links = apps.get_model("people", "PersonCategory").objects.using(connection.alias).order_by()
    after = None
    while True:
        following = links if after is None else links.filter(person_id__gt=after)
        people = list(following.order_by("person_id").values_list("person_id", flat=True).distinct()[:CHUNK])
        if not people:
            return
        items: dict[int, list[int]] = {}
        for person_id, item_id in following.filter(person_id__lte=people[-1]).values_list("person_id", "dictitem_id"):
            items.setdefault(person_id, []).append(item_id)
        with connection.cursor() as cursor:
            cursor.executemany("UPDATE people_person SET category_key = %s WHERE id = %s",
                               [(_key(ids), person_id) for person_id, ids in items.items()])
        after = people[-1]


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0006_person_category_links_without_constraint'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='category_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=255),
        ),
        migrations.RunPython(fill_category_keys, migrations.RunPython.noop),
    ]
