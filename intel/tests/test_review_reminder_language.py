"""The review reminder reaches the control official in the language kept on their account.

28 CFR 23.20(h) (C-18): reminders at 90/60/30 days before a subject's review date. The e-mail
carries the subject number and the date only, in either language. Sent through a real SMTP server
on localhost (common/fixtures.py smtp_server). All data synthetic.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone, translation

from accounts import services as account_services
from cases.tests.factories import active_subject
from intel import services

pytestmark = pytest.mark.django_db


def _remind(world, django_capture_on_commit_callbacks):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        subject = active_subject(world)
    with (
        time_machine.travel(start + dt.timedelta(days=5 * 365 - 50), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.subjects_review_tick()["reminded"] == 1
    subject.refresh_from_db()
    return subject


def _mail_to(smtp_server, user):
    return [m["message"] for m in smtp_server.messages if m["to"] == [user.email]]


def test_a_spanish_control_official_gets_the_review_reminder_in_spanish(
    world, smtp_server, django_capture_on_commit_callbacks
):
    official = world.user("a", "supervisor")  # the control official (propose_kwargs)
    account_services.user_language_set(user=official, language="es")
    # Whoever runs the tick (here, a worker left in English) does not choose the language.
    with translation.override("en"):
        subject = _remind(world, django_capture_on_commit_callbacks)
    (message,) = _mail_to(smtp_server, official)
    due = f"{subject.review_due:%Y-%m-%d}"
    assert message["Subject"] == f"Custos: el sujeto {subject.pk} debe revisarse en 60 días"
    body = message.get_content()
    assert f"El sujeto {subject.pk} debe validarse o depurarse a más tardar el {due}" in body
    assert "28 CFR 23.20(h)" in body and "Inicie sesión en Custos." in body
    assert "must be validated" not in body
    # Still only the number and the date: nothing of the record itself.
    for value in (subject.label, subject.predicate_facts, subject.predicate_source):
        assert value not in message["Subject"] + body


def test_an_english_control_official_gets_it_in_english_whatever_the_tick_runs_in(
    world, smtp_server, django_capture_on_commit_callbacks
):
    official = world.user("a", "supervisor")
    with translation.override("es"):
        subject = _remind(world, django_capture_on_commit_callbacks)
    (message,) = _mail_to(smtp_server, official)
    assert message["Subject"] == f"Custos: subject {subject.pk} is due for review in 60 days"
    body = message.get_content()
    assert f"Subject {subject.pk} must be validated or purged by " in body
    assert "Sign in to Custos." in body
