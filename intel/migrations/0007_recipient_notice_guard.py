"""Keep recipient notices as written: the triggers of intel/triggers.py (28 CFR 23.20(g)(3), (h)).

Like the chain of custody (evidence 0003), but not fully append-only: `sent_at` is set once when
the email goes and `subject_id` becomes NULL when the subject is purged; every other column is
immutable and no row is deleted.
"""

from django.db import migrations


def install(apps, schema_editor):
    from intel import triggers

    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from intel import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("intel", "0006_identifier_surname_index")]

    operations = [migrations.RunPython(install, uninstall)]
