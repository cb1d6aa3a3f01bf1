"""Oversight reads the audit log and the disclosure accounting; the reads are audited too."""

import pytest
from django.db import connection

from accounts.roles import Role
from audit import triggers
from audit.models import AuditEvent
from audit.services import audit_record, disclosure_record
from common.testing import make_user

pytestmark = pytest.mark.django_db


def test_oversight_filters_the_audit_log_and_the_search_is_audited(office_a, signed_in):
    analyst = make_user(office_a, Role.ANALYST)
    audit_record(actor=analyst, verb="subject.view", target=("intel.subject", "41"))
    audit_record(actor=analyst, verb="case.view", target=("cases.case", "7"))
    reader = make_user(office_a, Role.OVERSIGHT)
    page = signed_in(reader).get("/audit/", {"verb": "subject.", "actor": analyst.username})
    assert page.status_code == 200
    body = page.content.decode()
    assert "intel.subject 41" in body and "cases.case 7" not in body
    search = AuditEvent.objects.filter(verb="audit.search", actor=reader).get()
    assert search.data == {"verb": "subject.", "actor": analyst.username, "target_id": ""}


def test_the_page_reports_a_broken_chain(office_a, signed_in):
    reader = make_user(office_a, Role.PRIVACY_OFFICER)
    victim = audit_record(actor=None, verb="test.event", reason="synthetic")
    client = signed_in(reader)
    assert 'data-testid="chain-ok"' in client.get("/audit/", {"verify": "1"}).content.decode()
    triggers.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [victim.pk])
    finally:
        triggers.install(connection)
    body = client.get("/audit/", {"verify": "1"}).content.decode()
    assert 'data-testid="chain-broken"' in body and f"event {victim.pk}" in body


def test_disclosure_accounting_lists_recipient_purpose_and_basis(office_a, signed_in):
    supervisor = make_user(office_a, Role.SUPERVISOR)
    disclosure_record(
        released_by=supervisor,
        recipient="Synthetic Liaison",
        agency="Synthetic County Sheriff",
        purpose="Imminent danger (synthetic)",
        legal_basis="28 CFR 23.20(f)(2)",
        released={"subject": [1]},
    )
    reader = make_user(office_a, Role.OVERSIGHT)
    body = signed_in(reader).get("/audit/disclosures/", {"q": "sheriff"}).content.decode()
    assert "Synthetic Liaison" in body and "28 CFR 23.20(f)(2)" in body


def test_roles_without_audit_read_are_refused(office_a, signed_in):
    for role in (Role.FIELD_OFFICER, Role.SUPERVISOR, Role.ANALYST):
        assert signed_in(make_user(office_a, role)).get("/audit/").status_code == 403
