"""Background work for incidents (django-tasks, database backend). Safe to run twice.

`notify_incident` sends the notices for a new incident, so a slow or failing mail server never
holds up intake.

`purge_protected_only` deletes protected-activity-only incidents past their purge date
(CUSTOS_PROTECTED_ONLY_PURGE_DAYS, default 90) and re-queues itself for the next day.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

DAILY = timedelta(days=1)


@task()
def notify_incident(incident_id: int) -> int:
    """Send the victim notices (in-app and email link) for one incident; safe to run twice."""
    from incidents.notifications import notify_victims

    return notify_victims(incident_id=incident_id)


@task()
def purge_protected_only() -> int:
    """Delete protected-activity-only incidents whose purge date has passed; daily."""
    from incidents.services import incidents_purge_protected_only

    try:
        return incidents_purge_protected_only()
    finally:
        backend = purge_protected_only.get_backend()
        if backend.supports_defer and not _pending():
            purge_protected_only.using(run_after=timezone.now() + DAILY).enqueue()


def _pending() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend
        return False
    return DBTaskResult.objects.ready().filter(task_path__endswith="purge_protected_only").exists()
