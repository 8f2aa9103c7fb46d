"""The taxonomy grows: a "Culture, leisure and libraries" group with four areas, and "Fleet and
passenger transport" among Environment and streets (data/service_areas.csv has the same rows).

A database whose taxonomy was loaded (`citytools load_service_areas`) gets the new group and
areas; a database with none gets nothing here, and the loader gives it the whole taxonomy.
Only missing slugs are added: no existing area is renamed, renumbered, moved or deleted, so
every system keeps its areas. The rows are written out here rather than read from the CSV,
so that this migration does the same thing whatever the file says later. Undoing it leaves
the areas in place: systems may be attached to them by then.
"""

from django.db import migrations

GROUP = {
    "slug": "culture-leisure-and-libraries",
    "name": "Culture, leisure and libraries",
    "kind": "frontline",
    "position": 75,
    "description": (
        "Libraries, leisure and culture, and the registration and bereavement services residents meet at life's milestones."
    ),
}
# (group slug, slug, name, position, description)
AREAS = [
    (
        "culture-leisure-and-libraries", "libraries", "Libraries", 76,
        "Library management systems: the catalogue, loans, reservations, members and e-lending.",
    ),
    (
        "culture-leisure-and-libraries", "leisure-and-culture-bookings", "Leisure and culture bookings", 77,
        "Bookings, memberships and tickets for leisure centres, sports pitches, venues and events.",
    ),
    (
        "culture-leisure-and-libraries", "registrars", "Registrars", 78,
        "Appointments, ceremonies and certificates for births, deaths, marriages and civil partnerships.",
    ),
    (
        "culture-leisure-and-libraries", "bereavement-services", "Bereavement services", 79,
        "Cemetery and crematorium bookings, burial registers and grave records.",
    ),
    (
        "environment-and-streets", "fleet-and-passenger-transport", "Fleet and passenger transport", 65,
        "Council vehicles and their maintenance, and home-to-school and community transport.",
    ),
]


def add_areas(apps, schema_editor):
    ServiceArea = apps.get_model("inventory", "ServiceArea")
    if not ServiceArea.objects.filter(parent__isnull=True).exists():
        return  # no taxonomy loaded yet: `citytools load_service_areas` brings all of it
    if not ServiceArea.objects.filter(slug=GROUP["slug"]).exists():
        ServiceArea.objects.create(parent=None, **GROUP)
    groups = dict(ServiceArea.objects.filter(parent__isnull=True).values_list("slug", "pk"))
    taken = set(ServiceArea.objects.values_list("slug", flat=True))
    for group, slug, name, position, description in AREAS:
        if slug in taken or group not in groups:
            continue
        ServiceArea.objects.create(
            slug=slug, name=name, parent_id=groups[group], kind="frontline", position=position, description=description
        )


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0007_provenance"),
    ]

    operations = [
        migrations.RunPython(add_areas, migrations.RunPython.noop),
    ]
