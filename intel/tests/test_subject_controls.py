"""Legal controls C-01, C-10, C-14, C-18 and C-37 (legal-controls.md), on the real database.

Every person, phone and place here is synthetic.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import AuditEvent, DisclosureRecord
from cases.models import Case, CaseRecordDeletionRefused
from cases.services import case_open
from cases.tests.factories import active_subject, le_agency, make_incident, propose_kwargs
from incidents.screening import Outcome
from intel import selectors, services
from intel.models import (
    MAX_REVIEW_PERIOD,
    Identifier,
    PurgeRequest,
    RecordDeletionRefused,
    Subject,
    SubjectApproval,
)

pytestmark = pytest.mark.django_db

PHONE = "(555) 010-0147"


def _propose(world, incident=None, **overrides):
    incident = incident or make_incident(world.offices["a"])
    return services.subject_propose(
        actor=world.user("a", "analyst"),
        **propose_kwargs(incident, world.user("a", "supervisor"), **overrides),
    )


# C-01: reasonable suspicion, an offense, a second person's approval --------------------------


def test_subject_needs_an_incident(world):
    with pytest.raises(ValidationError) as exc:
        _propose(world, incident_ids=[])
    assert "incidents" in exc.value.message_dict
    assert Subject.objects.count() == 0


def test_subject_needs_an_incident_that_alleges_an_offense(world):
    incident = make_incident(world.offices["a"], with_offense=False)
    with pytest.raises(ValidationError) as exc:
        _propose(world, incident=incident, predicate_offense_id=None)
    assert "incidents" in exc.value.message_dict
    assert Subject.objects.count() == 0


def test_subject_is_never_proposed_from_protected_activity_only(world):
    incident = make_incident(world.offices["a"], outcome=Outcome.PROTECTED_ONLY)
    # Protected-only incidents are invisible to selectors, so the answer is "no such incident".
    with pytest.raises(Exception):  # noqa: B017 (Http404 or ValidationError: both refuse)
        _propose(world, incident=incident)
    assert Subject.objects.count() == 0


def test_subject_needs_a_written_predicate_for_an_element_of_the_offense(world):
    with pytest.raises(ValidationError) as exc:
        _propose(world, predicate_facts=" ", predicate_source="", predicate_element="made up")
    assert {"predicate_facts", "predicate_source", "predicate_element"} <= set(
        exc.value.message_dict
    )


def test_legal_process_needs_a_reference(world):
    with pytest.raises(ValidationError) as exc:
        _propose(world, collection_method="legal_process", process_reference="")
    assert "process_reference" in exc.value.message_dict
    assert _propose(world, collection_method="legal_process", process_reference="SW-0001")


def test_unlawful_collection_method_does_not_exist(world):
    with pytest.raises(ValidationError) as exc:
        _propose(world, collection_method="other")
    assert "collection_method" in exc.value.message_dict


def test_proposed_subject_is_not_active(world):
    subject = _propose(world)
    assert subject.status == Subject.Status.PROPOSED
    assert subject.approval is None and subject.review_due is None


def test_subject_cannot_be_approved_by_its_submitter(world):
    from common.testing import make_user

    both = make_user(world.offices["a"], "analyst", "rs_approver", username="a-both")
    incident = make_incident(world.offices["a"])
    subject = services.subject_propose(
        actor=both, **propose_kwargs(incident, world.user("a", "supervisor"))
    )
    with pytest.raises(PermissionDenied):
        services.subject_approve(subject=subject, approver=both, reason="x", lawfully_obtained=True)
    subject.refresh_from_db()
    assert subject.status == Subject.Status.PROPOSED


def test_only_an_rs_approver_approves(world):
    subject = _propose(world)
    for role in ("supervisor", "analyst", "oversight", "privacy_officer"):
        with pytest.raises(PermissionDenied):
            services.subject_approve(
                subject=subject, approver=world.user("a", role), reason="x", lawfully_obtained=True
            )
    with pytest.raises(PermissionDenied):  # another office's approver
        services.subject_approve(
            subject=subject,
            approver=world.user("b", "rs_approver"),
            reason="x",
            lawfully_obtained=True,
        )


def test_approval_needs_a_lawfulness_attestation_and_reason(world):
    subject = _propose(world)
    approver = world.user("a", "rs_approver")
    with pytest.raises(ValidationError):
        services.subject_approve(
            subject=subject, approver=approver, reason="ok", lawfully_obtained=False
        )
    with pytest.raises(ValidationError):
        services.subject_approve(
            subject=subject, approver=approver, reason=" ", lawfully_obtained=True
        )
    approved = services.subject_approve(
        subject=subject, approver=approver, reason="Synthetic RS.", lawfully_obtained=True
    )
    assert approved.status == Subject.Status.ACTIVE
    assert approved.approval.approver == approver
    assert AuditEvent.objects.filter(verb="subject.approve", target_id=str(subject.pk)).exists()


def test_database_refuses_an_active_subject_without_approval(world):
    subject = _propose(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subject.objects.filter(pk=subject.pk).update(status="active", review_due=timezone.now())
    subject.status, subject.review_due = "active", timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        subject.save()


def test_bulk_create_cannot_insert_an_active_subject_without_approval(world):
    subject = _propose(world)
    clone = Subject.objects.get(pk=subject.pk)
    clone.pk = None
    clone.status, clone.review_due = "active", timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Subject.objects.bulk_create([clone])
    assert Subject.objects.filter(status="active").count() == 0


@pytest.mark.postgres
def test_raw_sql_cannot_activate_a_subject_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    subject = _propose(world)
    # A self-approval smuggled in by raw SQL: the CHECK passes (approval_id set), the trigger
    # refuses because the approver is the submitter.
    with transaction.atomic():
        approval = SubjectApproval.objects.create(
            subject=subject, approver=subject.submitted_by, reason="x", lawfully_obtained=True
        )
    for sql, params in (
        ("UPDATE intel_subject SET status='active', review_due=now() WHERE id=%s", [subject.pk]),
        (
            "UPDATE intel_subject SET status='active', review_due=now(), approval_id=%s "
            "WHERE id=%s",
            [approval.pk, subject.pk],
        ),
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    # Someone else's approval of another subject does not carry over either.
    other = active_subject(world)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE intel_subject SET status='active', review_due=now(), approval_id=%s "
            "WHERE id=%s",
            [other.approval_id, subject.pk],
        )
    subject.refresh_from_db()
    assert subject.status == "proposed"


@pytest.mark.postgres
def test_raw_insert_of_an_active_subject_is_refused_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    subject = _propose(world)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO intel_subject (office_id, label, status, predicate_offense_id, "
            "predicate_element, predicate_facts, predicate_source, predicate_date, "
            "collection_method, process_reference, sensitivity, source_reliability, "
            "content_validity, control_official_id, submitted_by_id, created_at, review_period, "
            "review_due, reminders_sent, legal_hold, legal_hold_reason) "
            "SELECT office_id, label, 'active', predicate_offense_id, predicate_element, "
            "predicate_facts, predicate_source, predicate_date, collection_method, '', "
            "sensitivity, source_reliability, content_validity, control_official_id, "
            "submitted_by_id, now(), review_period, now(), '[]', false, '' "
            "FROM intel_subject WHERE id = %s",
            [subject.pk],
        )


MISSING = [
    "label",
    "predicate_facts",
    "predicate_source",
    "predicate_element",
    "predicate_date",
    "collection_method",
    "sensitivity",
    "source_reliability",
    "content_validity",
    "control_official",
    "incident_ids",
]


@pytest.mark.parametrize("missing", [[m] for m in MISSING] + [MISSING[:3], MISSING[4:8]])
def test_no_combination_of_missing_fields_yields_an_active_subject(world, missing):
    incident = make_incident(world.offices["a"])
    kwargs = propose_kwargs(incident, world.user("a", "supervisor"))
    for field in missing:
        kwargs[field] = (
            []
            if field == "incident_ids"
            else None
            if field in ("predicate_date", "control_official")
            else ""
        )
    with pytest.raises(ValidationError):
        services.subject_propose(actor=world.user("a", "analyst"), **kwargs)
    assert Subject.objects.filter(status="active").count() == 0


# C-10: labels; restricted subjects are not returned in search; the control official is told ----


def test_restricted_subject_gives_no_hit_and_notifies_the_control_official(world):
    subject = active_subject(world, identifiers=[("phone", PHONE)], sensitivity="restricted")
    searcher = world.user("a", "analyst")
    assert selectors.subject_search(user=searcher, query="555.010.0147") == []
    notice = subject.notices.get()
    assert notice.control_official == world.user("a", "supervisor")
    assert notice.searcher == searcher
    # The control official finds it.
    found = selectors.subject_search(user=world.user("a", "supervisor"), query="+15550100147")
    assert found == [subject]


def test_open_subject_is_found_by_any_way_of_writing_its_phone(world):
    subject = active_subject(world, identifiers=[("phone", PHONE)])
    for written in ("555-010-0147", "+1 555 010 0147", "(555)0100147"):
        assert selectors.subject_search(user=world.user("a", "analyst"), query=written) == [subject]
    # An office that was not given access finds nothing, and no count leaks.
    assert selectors.subject_search(user=world.user("b", "analyst"), query=PHONE) == []
    assert selectors.subject_list(user=world.user("b", "analyst")) == []


def test_subject_without_labels_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        _propose(world, sensitivity="", source_reliability="", content_validity="")
    assert {"sensitivity", "source_reliability", "content_validity"} <= set(exc.value.message_dict)


def test_every_read_of_a_subject_is_audited(world):
    subject = active_subject(world)
    before = AuditEvent.objects.filter(verb="subject.view").count()
    selectors.subject_get_for_user(subject_id=subject.pk, user=world.user("a", "oversight"))
    assert AuditEvent.objects.filter(verb="subject.view").count() == before + 1


# C-18: five-year review, reminders, expiry, validation ------------------------------------


def test_review_period_longer_than_five_years_is_refused_by_the_database(world):
    subject = _propose(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subject.objects.filter(pk=subject.pk).update(review_period=dt.timedelta(days=6 * 365))
    with pytest.raises(ValidationError):
        _propose(world, review_period=dt.timedelta(days=6 * 365))


def test_review_due_is_approval_plus_at_most_five_years(world):
    subject = active_subject(world)
    assert subject.review_due - subject.approval.created_at <= MAX_REVIEW_PERIOD + dt.timedelta(
        seconds=5
    )


def test_subject_expires_unvalidated_and_leaves_search(world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        subject = active_subject(world, identifiers=[("phone", PHONE)])
    analyst = world.user("a", "analyst")
    with time_machine.travel(start + dt.timedelta(days=5 * 365 - 89), tick=False):
        assert services.subjects_review_tick() == {"reminded": 1, "expired": 0}
        assert services.subjects_review_tick() == {"reminded": 0, "expired": 0}  # once only
    with time_machine.travel(start + dt.timedelta(days=5 * 365 - 29), tick=False):
        services.subjects_review_tick()
        subject.refresh_from_db()
        assert 30 in subject.reminders_sent and 90 in subject.reminders_sent
        assert selectors.subject_search(user=analyst, query=PHONE) == [subject]
    with time_machine.travel(start + MAX_REVIEW_PERIOD + dt.timedelta(days=1), tick=False):
        assert services.subjects_review_tick()["expired"] == 1
        subject.refresh_from_db()
        assert subject.status == Subject.Status.EXPIRED
        assert selectors.subject_search(user=analyst, query=PHONE) == []
        queue = selectors.review_queue(user=world.user("a", "rs_approver"))
        assert list(queue["expired"]) == [subject]


def test_review_reminders_are_emailed_to_the_control_official(
    world, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        subject = active_subject(world)
    with (
        time_machine.travel(start + dt.timedelta(days=5 * 365 - 50), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.subjects_review_tick()
    assert [m.to for m in mail.outbox] == [[subject.control_official.email]]
    assert "review" in mail.outbox[0].subject


def test_validation_needs_an_explanation_and_restarts_the_clock(world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        subject = active_subject(world)
    reviewer = world.user("a", "rs_approver")
    later = start + dt.timedelta(days=4 * 365)
    with time_machine.travel(later, tick=False):
        with pytest.raises(ValidationError):
            services.subject_validate(
                subject=subject, reviewer=reviewer, reason="active_investigation", explanation=""
            )
        with pytest.raises(ValidationError):
            services.subject_validate(
                subject=subject, reviewer=reviewer, reason="because", explanation="x"
            )
        with pytest.raises(PermissionDenied):
            services.subject_validate(
                subject=subject,
                reviewer=world.user("a", "analyst"),
                reason="active_investigation",
                explanation="x",
            )
        validation = services.subject_validate(
            subject=subject,
            reviewer=reviewer,
            reason="active_investigation",
            explanation="Synthetic: case still open, new call last month.",
            rs_facts_reconfirmed=True,
            rs_facts_statement="Synthetic: the predicate calls are corroborated by phone records.",
        )
    subject.refresh_from_db()
    assert subject.review_due == later + subject.review_period
    assert validation.previous_due == start + subject.review_period
    with time_machine.travel(start + MAX_REVIEW_PERIOD + dt.timedelta(days=1), tick=False):
        assert services.subjects_review_tick()["expired"] == 0


# C-14 and C-37: nothing deleted outside the purge; two approvers; legal hold; intel only ------


def test_delete_on_intelligence_and_case_rows_raises(world):
    subject = active_subject(world)
    with pytest.raises(RecordDeletionRefused):
        subject.delete()
    with pytest.raises(RecordDeletionRefused):
        subject.identifiers.model(subject=subject).delete()
    case = case_open(
        actor=world.user("a", "supervisor"),
        title="Synthetic case",
        incident_ids=[subject.incident_ties.get().incident_id],
    )
    with pytest.raises(CaseRecordDeletionRefused):
        case.delete()


def test_purge_needs_two_distinct_approvers(world):
    subject = active_subject(world, identifiers=[("phone", PHONE)])
    first, second = world.user("a", "supervisor"), world.user("a", "rs_approver")
    request = services.purge_request(
        record=subject,
        approver=first,
        schedule_item="DAA-0000-0001 (synthetic)",
        reason="Synthetic: no longer relevant.",
    )
    with pytest.raises(PermissionDenied):
        services.purge_approve(request=request, approver=first)
    with pytest.raises(PermissionDenied):  # an analyst may not approve purges
        services.purge_approve(request=request, approver=world.user("a", "analyst"))
    with pytest.raises(PermissionDenied):  # nor another office
        services.purge_approve(request=request, approver=world.user("b", "supervisor"))
    assert Subject.objects.filter(pk=subject.pk).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        PurgeRequest.objects.filter(pk=request.pk).update(second_approver=first, status="done")
    services.purge_approve(request=request, approver=second)
    assert not Subject.objects.filter(pk=subject.pk).exists()
    assert not Identifier.objects.filter(subject_id=subject.pk).exists()
    request.refresh_from_db()
    assert request.tombstone.startswith("tomb-") and request.subject_number == subject.pk
    assert AuditEvent.objects.filter(verb="subject.purge", target_id=str(subject.pk)).exists()


def test_purge_honours_legal_hold(world):
    subject = active_subject(world)
    supervisor = world.user("a", "supervisor")
    services.subject_legal_hold(
        subject=subject, actor=supervisor, hold=True, reason="Synthetic litigation hold"
    )
    with pytest.raises(ValidationError):
        services.purge_request(record=subject, approver=supervisor, schedule_item="x", reason="y")
    services.subject_legal_hold(subject=subject, actor=supervisor, hold=False, reason="lifted")
    request = services.purge_request(
        record=subject, approver=supervisor, schedule_item="x", reason="y"
    )
    services.subject_legal_hold(subject=subject, actor=supervisor, hold=True, reason="again")
    with pytest.raises(ValidationError):
        services.purge_approve(request=request, approver=world.user("a", "rs_approver"))
    assert Subject.objects.filter(pk=subject.pk).exists()


def test_purge_on_a_case_record_raises(world):
    incident = make_incident(world.offices["a"])
    case = case_open(
        actor=world.user("a", "supervisor"), title="Synthetic", incident_ids=[incident.pk]
    )
    for record in (case, incident):
        with pytest.raises(TypeError):
            services.purge_request(
                record=record, approver=world.user("a", "supervisor"), schedule_item="x", reason="y"
            )
    assert Case.objects.filter(pk=case.pk).exists()


def test_purge_keeps_disclosures_and_case_records(world):
    subject = active_subject(world)
    incident_id = subject.incident_ties.get().incident_id
    case = case_open(
        actor=world.user("a", "supervisor"), title="Synthetic", incident_ids=[incident_id]
    )
    services.disseminate_intelligence(
        subject_id=subject.pk,
        actor=world.user("a", "supervisor"),
        agency=le_agency(),
        recipient_name="Synthetic Liaison",
        purpose="Synthetic joint investigation",
    )
    request = services.purge_request(
        record=subject, approver=world.user("a", "supervisor"), schedule_item="x", reason="y"
    )
    services.purge_approve(request=request, approver=world.user("a", "rs_approver"))
    # 5 U.S.C. 552a(c)(2), C-07: the accounting outlives the purge.
    assert (
        DisclosureRecord.objects.filter(
            target_type="intel.subject", target_id=str(subject.pk)
        ).count()
        == 1
    )
    assert Case.objects.filter(pk=case.pk).exists()
    assert case.incidents.filter(pk=incident_id).exists()


@pytest.mark.postgres
def test_raw_delete_of_a_subject_is_refused_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("the delete guard trigger exists on PostgreSQL only")
    subject = active_subject(world, identifiers=[("phone", PHONE)])
    for sql in (
        "DELETE FROM intel_identifier WHERE subject_id = %s",
        "DELETE FROM intel_subjectincident WHERE subject_id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [subject.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        Subject.objects.filter(pk=subject.pk).delete()
    assert Subject.objects.filter(pk=subject.pk).exists()
