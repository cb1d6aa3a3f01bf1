"""Background work for the evidence locker (django-tasks, database backend).

`manage.py db_worker` (or `custos db_worker`) runs these; `custos serve` starts a worker beside
the server in the embedded set-up. Each task takes ids, reloads rows and is safe to run twice.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def make_derivatives(item_id: int) -> None:
    """Make the working copy (images) and the OCR text (images, PDFs) of a new item."""
    from evidence import services
    from evidence.models import EvidenceItem

    item = EvidenceItem.objects.select_related("blob", "incident").filter(pk=item_id).first()
    if item is None:
        return
    services.evidence_working_copy(item=item)
    services.evidence_ocr(item=item)


@task()
def fixity_scheduled(time_budget_seconds: float = 3600.0) -> dict[str, Any]:
    """Re-hash the originals that are due (never checked, or not within 90 days)."""
    from evidence import fixity

    return fixity.fixity_check(due_only=True, time_budget=time_budget_seconds).as_dict()


@task()
def cleanup_partials() -> dict[str, int]:
    """Remove staged uploads left by killed processes and stored objects no row refers to."""
    from evidence import fixity

    return fixity.sweep_orphans()
