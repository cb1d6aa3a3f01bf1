"""The (kind, surname) index for name lookups, and a CHECK that every name has its key."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("intel", "0005_identifier_surname")]

    operations = [
        migrations.AddIndex(
            model_name="identifier",
            index=models.Index(fields=["kind", "surname"], name="intel_ident_surname"),
        ),
        migrations.AddConstraint(
            model_name="identifier",
            constraint=models.CheckConstraint(
                condition=(
                    (models.Q(kind="name") & ~models.Q(surname=""))
                    | (~models.Q(kind="name") & models.Q(surname=""))
                ),
                name="intel_identifier_surname_for_names",
            ),
        ),
    ]
