"""Make the chain of custody append-only in the database, like the audit table.

Legal-controls C-38 and 28 CFR 23.20(g)(3): custody events are never changed or removed; the
triggers refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) from any client, raw SQL included.
"""

from django.db import migrations

TABLES = ("evidence_custodyevent",)


def install(apps, schema_editor):
    from audit import triggers

    triggers.install(schema_editor.connection, TABLES)


def uninstall(apps, schema_editor):
    from audit import triggers

    triggers.uninstall(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
        ("evidence", "0002_disposal_and_legal_hold"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
