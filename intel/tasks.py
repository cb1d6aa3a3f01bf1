"""Background work for the intelligence index (django-tasks). Safe to run twice."""

from __future__ import annotations

from django_tasks import task


@task()
def review_tick() -> dict[str, int]:
    """Send 90/60/30-day review reminders and restrict subjects whose review expired
    (28 CFR 23.20(h)); run daily (`custos intel_review`)."""
    from intel import services

    return services.subjects_review_tick()


@task()
def send_recipient_notice(notice_id: int) -> bool:
    """Email one correction or purge notice to its agency (28 CFR 23.20(h)); sent at most once."""
    from intel.services import recipient_notice_send

    return recipient_notice_send(notice_id=notice_id)
