"""Incident notifications (e-mail and in-app notice) are written in each recipient's language.

SYNTHETIC TEST DATA throughout.
"""

from __future__ import annotations

import pytest

from accounts import services as account_services
from incidents import services
from incidents.models import Notice
from incidents.notifications import notify_victims

pytestmark = pytest.mark.django_db

NARRATIVE = "Synthetic test: an online threat against the officer."


def test_each_recipient_is_told_in_their_own_language(
    world, smtp_server, django_capture_on_commit_callbacks
):
    victim, supervisor = world.user("a", "field_officer"), world.user("a", "supervisor")
    account_services.user_language_set(user=victim, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.incident_submit(
            office=world.offices["a"],
            channel="field_report",
            conduct=["threat_online"],
            narrative=NARRATIVE,
            victims=[{"user": victim}],
            actor=supervisor,
        )
    assert notify_victims(incident_id=incident.pk) == 2
    mail = {m["to"][0]: m["message"] for m in smtp_server.messages}

    spanish = mail[victim.email]
    assert spanish["Subject"] == f"Custos: incidente {incident.reference}"
    body = spanish.get_content()
    assert (
        "Se ha registrado un incidente en el que figura usted o un agente bajo su supervisión."
    ) in body
    assert "Este mensaje no incluye detalles de forma intencionada." in body
    assert f"/incidents/{incident.pk}/" in body
    english = mail[supervisor.email]
    assert english["Subject"] == f"Custos: incident {incident.reference}"
    assert "An incident has been reported that names you" in english.get_content()
    for message in (spanish, english):
        assert "threat against" not in message.get_content()

    assert Notice.objects.get(user=victim).message == (
        f"En el incidente {incident.reference} figura usted o un agente a su cargo."
    )
    assert Notice.objects.get(user=supervisor).message == (
        f"Incident {incident.reference} names you or your officer."
    )
