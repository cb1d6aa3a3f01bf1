"""A recipient notice keeps what was written (28 CFR 23.20(g)(3), (h); legal-controls C-09).

The database refuses to change a notice or delete one, from the ORM and from raw SQL alike. Two
columns may change, once each: `sent_at` (when the email goes) and `subject_id` (to NULL, when the
subject is purged). Synthetic data only.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cases.tests.factories import active_subject, correction_notice
from intel import triggers
from intel.models import RecipientNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(world) -> RecipientNotice:
    """One correction notice to one past recipient, not yet sent."""
    return correction_notice(world)


def _refused(sql: str, params: list) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_column_is_either_immutable_or_named_as_changing():
    columns = {field.column for field in RecipientNotice._meta.concrete_fields}
    assert set(triggers.IMMUTABLE_COLUMNS) | set(triggers.MUTABLE_COLUMNS) == columns
    assert not set(triggers.IMMUTABLE_COLUMNS) & set(triggers.MUTABLE_COLUMNS)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("recipient", "Someone Else (synthetic)"),
        ("agency_name", "Another Agency (synthetic)"),
        ("kind", "purge"),
        ("changed_fields", '["label"]'),
        ("email", "other@example.invalid"),
        ("tombstone", "tomb-synthetic"),
        ("subject_number", 999999),
    ],
)
def test_raw_sql_cannot_change_what_a_notice_says(notice, column, value):
    _refused(f"UPDATE intel_recipientnotice SET {column} = %s WHERE id = %s", [value, notice.pk])
    assert RecipientNotice.objects.get(pk=notice.pk).recipient == "Synthetic Liaison Officer"


def test_the_orm_cannot_change_a_notice_either(notice, world):
    with pytest.raises(DatabaseError), transaction.atomic():
        RecipientNotice.objects.filter(pk=notice.pk).update(office=world.offices["b"])
    notice.recipient = "Someone Else (synthetic)"
    with pytest.raises(DatabaseError), transaction.atomic():
        notice.save()
    notice.refresh_from_db()
    assert notice.recipient == "Synthetic Liaison Officer"
    assert notice.office_id == world.offices["a"].pk


def test_a_notice_is_never_deleted(notice):
    with pytest.raises(DatabaseError), transaction.atomic():
        RecipientNotice.objects.filter(pk=notice.pk).delete()
    _refused("DELETE FROM intel_recipientnotice WHERE id = %s", [notice.pk])
    assert RecipientNotice.objects.filter(pk=notice.pk).exists()


def test_sent_at_is_set_once_and_then_kept(notice):
    sent = timezone.now()
    RecipientNotice.objects.filter(pk=notice.pk).update(sent_at=sent)
    with pytest.raises(DatabaseError), transaction.atomic():
        RecipientNotice.objects.filter(pk=notice.pk).update(sent_at=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        RecipientNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
    notice.refresh_from_db()
    assert notice.sent_at == sent


def test_the_subject_may_only_be_let_go_by_a_purge(notice, world):
    other = active_subject(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        RecipientNotice.objects.filter(pk=notice.pk).update(subject=other)
    RecipientNotice.objects.filter(pk=notice.pk).update(subject=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        RecipientNotice.objects.filter(pk=notice.pk).update(subject=other)
    notice.refresh_from_db()
    assert notice.subject_id is None and notice.subject_number != other.pk
