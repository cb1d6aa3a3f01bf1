"""Background work for the evidence locker (django-tasks, database backend).

`manage.py db_worker` (or `custos db_worker`) runs these; `custos serve` starts a worker beside
the server in the embedded set-up. Each task takes ids, reloads rows and is safe to run twice.

Schedules: `custos evidence schedule` enqueues the daily fixity check and the daily clean-up
once; each re-enqueues itself for the next day when it finishes, so with a running worker every
original is re-checked at least once every 90 days (fixity.RECHECK_PERIOD).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task

DAILY = timedelta(days=1)
FIXITY_DAILY_BUDGET_SECONDS = 3600.0


@task()
def make_derivatives(item_id: int) -> None:
    """Make the working copy (images), OCR text (images, PDFs) or machine transcript (audio)."""
    from evidence import services
    from evidence.models import EvidenceItem

    item = EvidenceItem.objects.select_related("blob", "incident").filter(pk=item_id).first()
    if item is None:
        return
    services.evidence_working_copy(item=item)
    services.evidence_ocr(item=item)
    services.evidence_transcribe(item=item)


def _pending(task_name: str) -> bool:
    """Return whether a run of the task is already queued (database backend only)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend: rely on the caller
        return False
    return DBTaskResult.objects.ready().filter(task_path__endswith=task_name).exists()


def schedule_next(task_object: Any, name: str) -> None:
    """Enqueue the task to run a day from now, unless a run is already queued."""
    if not task_object.get_backend().supports_defer:
        return  # e.g. the immediate backend in tests: there is no "tomorrow" to queue for
    if not _pending(name):
        task_object.using(run_after=timezone.now() + DAILY).enqueue()


@task()
def fixity_scheduled() -> dict[str, Any]:
    """Re-hash the originals that are due (never checked, or not within 90 days); daily."""
    from evidence import fixity

    try:
        return fixity.fixity_check(due_only=True, time_budget=FIXITY_DAILY_BUDGET_SECONDS).as_dict()
    finally:
        schedule_next(fixity_scheduled, "fixity_scheduled")


@task()
def cleanup_partials() -> dict[str, int]:
    """Remove staged uploads left by killed processes and stored objects no row refers to."""
    from evidence import fixity

    try:
        return fixity.sweep_orphans()
    finally:
        schedule_next(cleanup_partials, "cleanup_partials")
