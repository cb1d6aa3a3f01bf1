"""C-05, C-06, C-07: dissemination outside Custos only to law enforcement with a current
agreement, imminent-danger assessments only otherwise, every release accounted atomically."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from audit.models import DisclosureRecord
from cases.tests.factories import active_subject, le_agency
from intel import services
from intel.models import Dissemination

pytestmark = pytest.mark.django_db


def _release(world, agency, actor_role="supervisor", subject=None):
    subject = subject or active_subject(world)
    return services.disseminate_intelligence(
        subject_id=subject.pk,
        actor=world.user("a", actor_role),
        agency=agency,
        recipient_name="Synthetic Liaison Officer",
        purpose="Synthetic joint threat investigation",
    )


def test_release_to_a_law_enforcement_agency_with_a_current_agreement(world):
    subject = active_subject(world, identifiers=[("phone", "555-010-0188")])
    release = _release(world, le_agency(), subject=subject)
    record = release.disclosure
    assert record.recipient == "Synthetic Liaison Officer"
    assert "Fictional Plaza" in record.agency and record.legal_basis == "28 CFR 23.20(f)(1)"
    assert record.target_id == str(subject.pk)
    assert world.user("a", "supervisor").get_username() in release.watermark
    assert f"subject {subject.pk}" in release.watermark
    assert release.payload["watermark"] == release.watermark


def test_release_to_a_non_law_enforcement_recipient_fails(world):
    with pytest.raises(ValidationError):
        _release(world, le_agency(name="Synthetic School District", is_law_enforcement=False))
    assert DisclosureRecord.objects.count() == 0 and Dissemination.objects.count() == 0


def test_release_under_an_expired_or_missing_agreement_fails(world):
    today = dt.date.today()
    expired = le_agency(agreement_expires=today - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        _release(world, expired)
    unsigned = le_agency(name="Unsigned (synthetic)", agreement_signed=None)
    with pytest.raises(ValidationError):
        _release(world, unsigned)
    assert DisclosureRecord.objects.count() == 0


def test_only_disseminators_release(world):
    for role in ("analyst", "oversight", "privacy_officer", "rs_approver"):
        with pytest.raises(PermissionDenied):
            _release(world, le_agency(name=f"Agency {role} (synthetic)"), actor_role=role)


def test_imminent_danger_assessment_to_a_non_le_recipient(world):
    subject = active_subject(world, identifiers=[("phone", "555-010-0177")])
    school = le_agency(
        name="Synthetic School District",
        is_law_enforcement=False,
        agreement_signed=None,
        agreement_expires=None,
    )
    with pytest.raises(PermissionDenied):  # an analyst cannot approve it
        services.disseminate_imminent_danger(
            subject_id=subject.pk,
            actor=world.user("a", "analyst"),
            agency=school,
            recipient_name="Principal (synthetic)",
            danger_statement="x",
            protective_advice="y",
        )
    with pytest.raises(ValidationError):
        services.disseminate_imminent_danger(
            subject_id=subject.pk,
            actor=world.user("a", "supervisor"),
            agency=school,
            recipient_name="Principal (synthetic)",
            danger_statement=" ",
            protective_advice="y",
        )
    release = services.disseminate_imminent_danger(
        subject_id=subject.pk,
        actor=world.user("a", "supervisor"),
        agency=school,
        recipient_name="Principal (synthetic)",
        danger_statement="Synthetic: a credible threat to a pupil's parent this week.",
        protective_advice="Keep the front gate staffed.",
    )
    # Schema assertion: the fixed template, no raw-record field, no identifier.
    assert tuple(release.payload) == services.IMMINENT_DANGER_FIELDS
    flat = repr(release.payload)
    assert "0177" not in flat and subject.label not in flat and subject.predicate_facts not in flat
    assert release.approved_by == world.user("a", "supervisor")
    assert release.disclosure.legal_basis == "28 CFR 23.20(f)(2)"


def test_failed_accounting_rolls_back_the_release(world):
    agency = le_agency()
    subject = active_subject(world)
    with (
        mock.patch(
            "intel.services.dissemination.disclosure_record", side_effect=DatabaseError("boom")
        ),
        pytest.raises(DatabaseError),
    ):
        _release(world, agency, subject=subject)
    assert Dissemination.objects.count() == 0 and DisclosureRecord.objects.count() == 0


def test_disclosure_accounting_cannot_be_edited(world):
    release = _release(world, le_agency())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_disclosurerecord WHERE id = %s", [release.disclosure_id])
    assert DisclosureRecord.objects.filter(pk=release.disclosure_id).exists()
