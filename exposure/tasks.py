"""Background work for exposure protection (django-tasks). Tasks take ids and are safe to rerun."""

from __future__ import annotations

from django_tasks import task


@task()
def scan_evidence(item_id: int) -> int:
    """Scan an evidence item's OCR text for roster exposures; return the new alerts' count."""
    from exposure import services

    return len(services.evidence_scan(item_id=item_id))
