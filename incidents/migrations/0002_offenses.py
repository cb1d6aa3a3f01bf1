"""Load the federal offenses reference table (legal-controls.md section 8)."""

from django.db import migrations


def load(apps, schema_editor):
    from incidents.offenses_data import OFFENSES

    Offense = apps.get_model("incidents", "Offense")
    for row in OFFENSES:
        Offense.objects.update_or_create(
            code=row["code"],
            defaults={
                "title": row["title"],
                "elements": row["elements"],
                "nibrs_code": row["nibrs_code"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
