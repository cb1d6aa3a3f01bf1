"""Names get an indexed surname key (the last word of the normalised name).

Name matching used to scan every name with a suffix LIKE, which no index serves. The key lets the
lookup be an exact match on the (kind, surname) index; `names_match` still decides. Existing names
are filled in here; the index and the CHECK come in the next migration (its own transaction).
"""

from django.db import migrations, models


def fill_surnames(apps, schema_editor):
    # Same rule as intel.identifiers.surname_key, frozen here: normalised names are already
    # lower-cased, accent-folded and single-spaced.
    model = apps.get_model("intel", "Identifier")
    for pk, normalized in model.objects.filter(kind="name").values_list("pk", "normalized"):
        words = normalized.split()
        if words:
            model.objects.filter(pk=pk).update(surname=words[-1])


class Migration(migrations.Migration):
    dependencies = [("intel", "0004_recipient_notices")]

    operations = [
        migrations.AddField(
            model_name="identifier",
            name="surname",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.RunPython(fill_surnames, migrations.RunPython.noop),
    ]
