"""Tell officers named as victims, and their supervisors: an email and an in-app notice.

The email carries a link only, never the narrative: mail leaves the system, the record does not.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.services import audit_record
from incidents.models import Incident, Notice

log = logging.getLogger(__name__)


def recipients_for(incident: Incident) -> list[User]:
    """Return the officers named as victims and the supervisors of their offices."""
    officers = [v.user for v in incident.victims.select_related("user") if v.user is not None]
    people: dict[int, User] = {u.pk: u for u in officers if u.is_active}
    office_ids = {u.office_id for u in officers if u.office_id} | {incident.office_id}
    supervisors = User.objects.filter(
        is_active=True, office_id__in=office_ids, role_grants__role=Role.SUPERVISOR
    ).distinct()
    if officers:
        for supervisor in supervisors:
            people.setdefault(supervisor.pk, supervisor)
    return sorted(people.values(), key=lambda u: u.pk)


def notify_victims(*, incident_id: int) -> int:
    """Send the notices for one incident; safe to run twice (one notice per user). Return sent."""
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None or incident.is_protected_only:
        return 0
    link = settings.CUSTOS_BASE_URL.rstrip("/") + reverse(
        "incidents:detail", kwargs={"incident_id": incident.pk}
    )
    sent = 0
    for user in recipients_for(incident):
        # Each recipient reads the notice and the e-mail in the language kept on their account.
        with translation.override(user.language):
            notice_text = _("Incident %(reference)s names you or your officer.") % {
                "reference": incident.reference
            }
            subject = _("Custos: incident %(reference)s") % {"reference": incident.reference}
            body = (
                _("An incident has been reported that names you or an officer you supervise.")
                + "\n\n"
                + _("Sign in to read it:")
                + f"\n{link}\n\n"
                + _("This message intentionally carries no details.")
            )
        with transaction.atomic():
            _notice, created = Notice.objects.get_or_create(
                user=user, incident=incident, defaults={"message": notice_text}
            )
            if not created:
                continue
            audit_record(
                actor=None,
                actor_label="system",
                verb="incident.notify",
                target=incident,
                data={"user": user.pk, "email": bool(user.email)},
            )
        if user.email:
            try:
                send_mail(
                    subject=subject, message=body, from_email=None, recipient_list=[user.email]
                )
                sent += 1
            except OSError:
                # The in-app notice stands; a mail outage must not lose the report.
                log.exception("notification email to user %s failed", user.pk)
    return sent
