"""Oversight roles see every office's subjects, decisions, purges, shares and disclosures, and
change nothing. Synthetic data."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases.services import incident_share
from cases.tests.factories import active_subject, make_incident
from intel import services

pytestmark = pytest.mark.django_db


def test_oversight_page_lists_everything_across_offices(world, signed_in):
    subject_a = active_subject(world, "a")
    subject_b = active_subject(world, "b")
    incident = make_incident(world.offices["a"])
    incident_share(
        incident_id=incident.pk,
        office_id=world.offices["b"].pk,
        actor=world.user("a", "supervisor"),
        reason="Synthetic need to know",
    )
    request = services.purge_request(
        record=subject_b,
        approver=world.user("b", "supervisor"),
        schedule_item="DAA-synthetic",
        reason="Synthetic purge",
    )
    for role in ("oversight", "privacy_officer"):
        page = signed_in(world.user("b", role)).get(reverse("intel:oversight"))
        assert page.status_code == 200
        text = page.content.decode()
        assert subject_a.label in text and "subject.approve" in text
        assert "incident.share" in text and "Synthetic need to know" in text
        assert "purge.request" in text and request.tombstone in text
        review = signed_in(world.user("b", role)).get(reverse("intel:review"))
        assert "Synthetic purge" in review.content.decode()
    assert (
        signed_in(world.user("a", "supervisor")).get(reverse("intel:oversight")).status_code == 403
    )


def test_oversight_roles_change_nothing(world):
    subject = active_subject(world)
    for role in ("oversight", "privacy_officer"):
        user = world.user("a", role)
        with pytest.raises(PermissionDenied):
            services.subject_validate(
                subject=subject, reviewer=user, reason="still_active", explanation="x"
            )
        with pytest.raises(PermissionDenied):
            services.purge_request(record=subject, approver=user, schedule_item="x", reason="y")
        with pytest.raises(PermissionDenied):
            incident_share(
                incident_id=subject.incident_ties.get().incident_id,
                office_id=world.offices["b"].pk,
                actor=user,
                reason="x",
            )
