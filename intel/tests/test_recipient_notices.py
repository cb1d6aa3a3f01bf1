"""C-09 (28 CFR 23.20(h)): corrections, and past recipients advised of corrections and purges.

Synthetic data only: fictional agencies, example.invalid addresses, 555-01xx numbers.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditEvent
from cases.tests.factories import active_subject, le_agency
from intel import services
from intel.models import RecipientNotice, Subject

pytestmark = pytest.mark.django_db

REASON = "Synthetic: the source was misread; the statement says the 14th."


@pytest.fixture
def immediate_tasks(settings):
    """Run queued tasks at once, in the test's process (django-tasks ImmediateBackend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _release(world, subject, agency, recipient="Synthetic Liaison Officer"):
    return services.disseminate_intelligence(
        subject_id=subject.pk,
        actor=world.user("a", "supervisor"),
        agency=agency,
        recipient_name=recipient,
        purpose="Synthetic joint threat investigation",
    )


def _correct(world, subject, role="rs_approver", office="a", **changes):
    return services.subject_correct(
        subject=subject,
        actor=world.user(office, role),
        field_changes=changes or {"source_reliability": "unreliable"},
        reason=REASON,
    )


def _two_agencies():
    return (
        le_agency(
            name="Synthetic County Sheriff (test)", contact_email="intel@sheriff.example.invalid"
        ),
        le_agency(
            name="Synthetic State Police (test)", contact_email="fusion@police.example.invalid"
        ),
    )


# Correction ----------------------------------------------------------------------------------


def test_correction_changes_the_facts_and_audits_before_and_after(world):
    subject = active_subject(world)
    _correct(
        world,
        subject,
        content_validity="doubtful",
        predicate_source="Victim statement, corrected (synthetic)",
        predicate_date="2026-01-14",
    )
    subject.refresh_from_db()
    assert subject.content_validity == "doubtful"
    assert subject.predicate_source == "Victim statement, corrected (synthetic)"
    assert subject.predicate_date == dt.date(2026, 1, 14)
    event = AuditEvent.objects.get(verb="subject.correct", target_id=str(subject.pk))
    assert event.reason == REASON
    assert event.data["changes"]["content_validity"] == {"before": "probable", "after": "doubtful"}
    assert event.data["changes"]["predicate_source"]["before"] == "Victim statement (synthetic)"
    assert set(event.data["changes"]) == {"content_validity", "predicate_source", "predicate_date"}


@pytest.mark.parametrize("role", ["analyst", "supervisor", "field_officer", "oversight"])
def test_only_a_user_who_validates_subjects_corrects(world, role):
    subject = active_subject(world)
    with pytest.raises(PermissionDenied):
        _correct(world, subject, role=role)
    subject.refresh_from_db()
    assert subject.source_reliability == "reliable"
    assert not AuditEvent.objects.filter(verb="subject.correct").exists()


def test_another_offices_validator_cannot_correct(world):
    subject = active_subject(world)
    with pytest.raises(PermissionDenied):
        _correct(world, subject, office="b")
    subject.refresh_from_db()
    assert subject.source_reliability == "reliable"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"status": "active"}, "field_changes"),
        ({"predicate_offense_id": 1}, "field_changes"),
        ({"sensitivity": "restricted"}, "field_changes"),
        ({"source_reliability": "very_reliable"}, "source_reliability"),
        ({"predicate_facts": "   "}, "predicate_facts"),
        ({"predicate_date": "14/01/2026"}, "predicate_date"),
        ({"predicate_element": "not an element of the offense"}, "predicate_element"),
        ({"content_validity": "probable"}, "field_changes"),  # the same as now
        ({}, "field_changes"),
    ],
)
def test_bad_corrections_are_refused_and_change_nothing(world, changes, field):
    subject = active_subject(world)
    agency, _other = _two_agencies()
    _release(world, subject, agency)
    before = Subject.objects.values().get(pk=subject.pk)
    with pytest.raises(ValidationError) as refused:
        services.subject_correct(
            subject=subject,
            actor=world.user("a", "rs_approver"),
            field_changes=changes,
            reason=REASON,
        )
    assert field in refused.value.message_dict
    assert Subject.objects.values().get(pk=subject.pk) == before
    assert RecipientNotice.objects.count() == 0


def test_a_correction_needs_a_reason(world):
    subject = active_subject(world)
    with pytest.raises(ValidationError) as refused:
        services.subject_correct(
            subject=subject,
            actor=world.user("a", "rs_approver"),
            field_changes={"source_reliability": "unreliable"},
            reason="  ",
        )
    assert "reason" in refused.value.message_dict


# Notices -------------------------------------------------------------------------------------


def test_correcting_a_record_released_to_two_agencies_creates_two_notices(world, immediate_tasks):
    # Legal-controls C-09's own test: two agencies, two notices.
    subject = active_subject(world, identifiers=[("phone", "555-010-0144")])
    sheriff, police = _two_agencies()
    _release(world, subject, sheriff)
    _release(world, subject, sheriff)  # the same recipient twice: one notice
    _release(world, subject, police, recipient="Synthetic Fusion Desk")
    other = active_subject(world)
    _release(world, other, police)  # another subject's recipient: not told
    _correct(world, subject, source_reliability="unreliable", content_validity="doubtful")
    notices = RecipientNotice.objects.filter(subject_number=subject.pk).order_by("agency_name")
    assert [(n.agency_name, n.recipient) for n in notices] == [
        ("Synthetic County Sheriff (test)", "Synthetic Liaison Officer"),
        ("Synthetic State Police (test)", "Synthetic Fusion Desk"),
    ]
    for notice in notices:
        assert notice.kind == "correction" and notice.subject_id == subject.pk
        assert notice.changed_fields == ["content_validity", "source_reliability"]
        assert notice.created_by == world.user("a", "rs_approver")
        assert notice.office_id == subject.office_id
    assert RecipientNotice.objects.count() == 2
    created = AuditEvent.objects.filter(verb="recipient_notice.create")
    assert sorted(int(e.target_id) for e in created) == sorted(n.pk for n in notices)


def test_correction_notices_are_emailed_once_to_each_agency_contact(
    world, smtp_server, immediate_tasks, django_capture_on_commit_callbacks
):
    subject = active_subject(world)
    sheriff, police = _two_agencies()
    no_email = le_agency(name="Synthetic Tribal Police (test)")
    for agency in (sheriff, police, no_email):
        _release(world, subject, agency)
    with django_capture_on_commit_callbacks(execute=True):
        _correct(world, subject, predicate_facts="Synthetic: two calls, not three.")
    assert sorted(m["to"][0] for m in smtp_server.messages) == [
        "fusion@police.example.invalid",
        "intel@sheriff.example.invalid",
    ]
    mail = smtp_server.messages[0]["message"]
    body = mail.get_content()
    assert f"subject {subject.pk}" in mail["Subject"]
    assert "facts supporting reasonable suspicion" in body
    # The content itself (old or new) never goes by mail.
    assert "two calls" not in body and "three calls" not in body and subject.label not in body
    sent = RecipientNotice.objects.exclude(email="")
    assert sent.count() == 2 and all(n.sent_at for n in sent)
    unsent = RecipientNotice.objects.get(agency=no_email)
    assert unsent.sent_at is None and unsent.email == ""
    assert AuditEvent.objects.filter(verb="recipient_notice.send").count() == 2
    # Safe to run twice: a second run sends nothing more.
    for notice in sent:
        assert services.recipient_notice_send(notice_id=notice.pk) is False
    assert len(smtp_server.messages) == 2


def test_no_notice_and_no_mail_when_the_correction_rolls_back(
    world, smtp_server, immediate_tasks, django_capture_on_commit_callbacks
):
    subject = active_subject(world)
    sheriff, _police = _two_agencies()
    _release(world, subject, sheriff)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        _correct(world, subject, source_reliability="unreliable", predicate_date="not a date")
    assert RecipientNotice.objects.count() == 0 and smtp_server.messages == []


def test_a_mail_failure_leaves_the_notice_open(world, settings, immediate_tasks):
    subject = active_subject(world)
    sheriff, _police = _two_agencies()
    _release(world, subject, sheriff)
    _correct(world, subject)
    notice = RecipientNotice.objects.get()
    # A closed port on localhost: the SMTP connection is refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 5
    with pytest.raises(OSError):
        services.recipient_notice_send(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.sent_at is None
    assert not AuditEvent.objects.filter(verb="recipient_notice.send").exists()


def test_a_subject_never_released_corrects_without_notices(world):
    subject = active_subject(world)
    _correct(world, subject)
    assert RecipientNotice.objects.count() == 0


# Purge ---------------------------------------------------------------------------------------


def _purge(world, subject):
    from common.testing import make_user

    first = make_user(world.offices["a"], "supervisor", username="a-notice-purge-first")
    request = services.purge_request(
        record=subject,
        approver=first,
        schedule_item="DAA-synthetic",
        reason="Synthetic: unreliable",
    )
    return services.purge_approve(request=request, approver=world.user("a", "rs_approver"))


def test_a_purge_advises_every_past_recipient_and_the_notices_outlive_it(
    world, smtp_server, immediate_tasks, django_capture_on_commit_callbacks
):
    subject = active_subject(world, identifiers=[("phone", "555-010-0155")])
    sheriff, police = _two_agencies()
    _release(world, subject, sheriff)
    _release(world, subject, police)
    _correct(world, subject, predicate_facts="Synthetic: corrected facts before the purge.")
    number, label = subject.pk, subject.label
    with django_capture_on_commit_callbacks(execute=True):
        request = _purge(world, subject)
    assert not Subject.objects.filter(pk=number).exists()
    purge_notices = RecipientNotice.objects.filter(kind="purge")
    assert purge_notices.count() == 2
    for notice in purge_notices:
        assert notice.subject_id is None and notice.subject_number == number
        assert notice.tombstone == request.tombstone and notice.changed_fields == []
        assert notice.sent_at is not None
    # The earlier correction notices stay too, detached from the purged row.
    corrections = RecipientNotice.objects.filter(kind="correction")
    assert corrections.count() == 2 and all(n.subject_id is None for n in corrections)
    purge_mail = [m for m in smtp_server.messages if "purged" in m["message"]["Subject"]]
    assert len(purge_mail) == 2
    for message in purge_mail:
        body = message["message"].get_content()
        assert request.tombstone in body
        assert label not in body and "555" not in body and "corrected facts" not in body
    # Nothing purged is stored in a notice.
    for values in RecipientNotice.objects.values():
        assert label not in str(values) and "corrected facts" not in str(values)


def test_purge_without_releases_writes_no_notice(world):
    _purge(world, active_subject(world))
    assert RecipientNotice.objects.count() == 0


# Agency contact ------------------------------------------------------------------------------


def test_agency_contact_email_is_optional_and_checked(world):
    actor = world.user("a", "supervisor")
    with_email = services.agency_register(
        actor=actor,
        name="Synthetic Harbor Police (test)",
        address="2 Fictional Quay",
        is_law_enforcement=True,
        agreement_signed=None,
        agreement_expires=None,
        contact_email=" desk@harbor.example.invalid ",
    )
    assert with_email.contact_email == "desk@harbor.example.invalid"
    with pytest.raises(ValidationError) as refused:
        services.agency_register(
            actor=actor,
            name="Synthetic Airport Police (test)",
            address="3 Fictional Runway",
            is_law_enforcement=True,
            agreement_signed=None,
            agreement_expires=None,
            contact_email="not an address",
        )
    assert "contact_email" in refused.value.message_dict


# Page ----------------------------------------------------------------------------------------


def test_notices_page_shows_the_office_its_own_and_oversight_everything(world, signed_in):
    sheriff, police = _two_agencies()
    mine, theirs = active_subject(world, "a"), active_subject(world, "b")
    _release(world, mine, sheriff)
    services.disseminate_intelligence(
        subject_id=theirs.pk,
        actor=world.user("b", "supervisor"),
        agency=police,
        recipient_name="Synthetic Office B Liaison",
        purpose="Synthetic joint threat investigation",
    )
    _correct(world, mine)
    _correct(world, theirs, office="b")
    url = reverse("intel:notices")
    page_a = signed_in(world.user("a", "supervisor")).get(url).content.decode()
    assert "Synthetic Liaison Officer" in page_a and "Synthetic Office B Liaison" not in page_a
    page_oversight = signed_in(world.user("b", "oversight")).get(url).content.decode()
    assert "Synthetic Liaison Officer" in page_oversight
    assert "Synthetic Office B Liaison" in page_oversight
    assert signed_in(world.user("a", "analyst")).get(url).status_code == 403
    assert AuditEvent.objects.filter(verb="recipient_notice.list").count() == 2


def test_home_page_links_the_notices_for_supervisors_and_oversight_only(world, signed_in):
    url = reverse("intel:notices")
    for role, shown in [("supervisor", True), ("oversight", True), ("analyst", False)]:
        home = signed_in(world.user("a", role)).get(reverse("accounts:home")).content.decode()
        assert (url in home) is shown, role


def test_api_correction_advises_recipients_and_refuses_bad_input(world, signed_in):
    subject = active_subject(world)
    sheriff, _police = _two_agencies()
    _release(world, subject, sheriff)
    client = signed_in(world.user("a", "rs_approver"))
    url = reverse("api:intel_correct", kwargs={"subject_id": subject.pk})
    bad = client.post(
        url,
        {"field_changes": {"sensitivity": "restricted"}, "reason": REASON},
        content_type="application/json",
    )
    assert bad.status_code == 422 and RecipientNotice.objects.count() == 0
    ok = client.post(
        url,
        {"field_changes": {"source_reliability": "unreliable"}, "reason": REASON},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["source_reliability"] == "unreliable"
    notice = RecipientNotice.objects.get()
    assert notice.changed_fields == ["source_reliability"] and notice.agency == sheriff


def test_correction_page_keeps_the_input_on_error_and_corrects_on_success(world, signed_in):
    subject = active_subject(world)
    sheriff, _police = _two_agencies()
    _release(world, subject, sheriff)
    client = signed_in(world.user("a", "rs_approver"))
    url = reverse("intel:correct", kwargs={"subject_id": subject.pk})
    form = client.get(url)
    # Prefilled with the current values (HTML-escaped in the page).
    assert form.status_code == 200 and escape(subject.predicate_facts) in form.content.decode()
    fields = {
        "label": subject.label,
        "predicate_element": subject.predicate_element,
        "predicate_facts": "Synthetic: two calls, not three, from one number.",
        "predicate_source": subject.predicate_source,
        "predicate_date": subject.predicate_date.isoformat(),
        "source_reliability": subject.source_reliability,
        "content_validity": "doubtful",
    }
    missing_reason = client.post(url, fields | {"reason": ""})
    assert missing_reason.status_code == 422
    assert "Synthetic: two calls, not three" in missing_reason.content.decode()  # nothing lost
    assert RecipientNotice.objects.count() == 0
    done = client.post(url, fields | {"reason": REASON})
    assert done.status_code == 302
    subject.refresh_from_db()
    assert subject.content_validity == "doubtful" and subject.predicate_facts.startswith(
        "Synthetic: two"
    )
    notice = RecipientNotice.objects.get()
    assert notice.changed_fields == ["content_validity", "predicate_facts"]
