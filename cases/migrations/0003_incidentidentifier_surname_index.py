"""The (kind, surname) index for name lookups, and a CHECK that every name has its key."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_incidentidentifier_surname")]

    operations = [
        migrations.AddIndex(
            model_name="incidentidentifier",
            index=models.Index(fields=["kind", "surname"], name="incident_ident_surname"),
        ),
        migrations.AddConstraint(
            model_name="incidentidentifier",
            constraint=models.CheckConstraint(
                condition=(
                    (models.Q(kind="name") & ~models.Q(surname=""))
                    | (~models.Q(kind="name") & models.Q(surname=""))
                ),
                name="incident_identifier_surname_for_names",
            ),
        ),
    ]
