"""PostgreSQL triggers guarding the intelligence index beyond what a CHECK can say.

28 CFR 23.20(a), (c) (legal-controls C-01): an active subject needs an approval that belongs to
it and was given by someone other than its submitter. The CHECK constraint only sees the row; the
trigger looks at the approval too, so `bulk_create`, `update()` and raw SQL cannot bypass it.

28 CFR 23.20(g)(3) (C-14): rows of the index are deleted only by the purge service, which sets
`custos.purge_authorized` for its own transaction (SET LOCAL); any other DELETE is refused.
"""

from django.db import migrations

GUARDED_DELETE_TABLES = (
    "intel_subject",
    "intel_identifier",
    "intel_subjectapproval",
    "intel_subjectvalidation",
    "intel_subjectincident",
    "intel_linkproposal",
    "intel_controlofficialnotice",
)

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION intel_subject_requires_approval() RETURNS trigger AS $$
    BEGIN
      IF NEW.status = 'active' AND NOT EXISTS (
        SELECT 1 FROM intel_subjectapproval a
        WHERE a.id = NEW.approval_id AND a.subject_id = NEW.id
          AND a.approver_id <> NEW.submitted_by_id AND a.lawfully_obtained
      ) THEN
        RAISE EXCEPTION 'an active subject needs a reasonable-suspicion approval (28 CFR 23.20)'
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql;
    """,
    """
    CREATE OR REPLACE TRIGGER intel_subject_requires_approval
    BEFORE INSERT OR UPDATE ON intel_subject
    FOR EACH ROW EXECUTE FUNCTION intel_subject_requires_approval();
    """,
    """
    CREATE OR REPLACE FUNCTION intel_refuse_unauthorised_delete() RETURNS trigger AS $$
    BEGIN
      IF coalesce(current_setting('custos.purge_authorized', true), '') <> 'on' THEN
        RAISE EXCEPTION '% rows are removed only by the purge service', TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN OLD;
    END; $$ LANGUAGE plpgsql;
    """,
] + [
    f"""
    CREATE OR REPLACE TRIGGER {table}_guard_delete BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION intel_refuse_unauthorised_delete();
    """
    for table in GUARDED_DELETE_TABLES
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS intel_subject_requires_approval ON intel_subject",
    *[f"DROP TRIGGER IF EXISTS {t}_guard_delete ON {t}" for t in GUARDED_DELETE_TABLES],
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A cursor without parameters: the '%' in RAISE messages is not a placeholder.
    with schema_editor.connection.cursor() as cursor:
        for statement in FORWARD:
            cursor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in BACKWARD:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("intel", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
