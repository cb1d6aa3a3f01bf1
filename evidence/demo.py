"""Synthetic demo evidence for `custos demo` (idempotent): a note and a photo per demo office.

Every value is invented: fictional names and streets, 555-01xx phones.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from accounts.models import User
from evidence.models import EvidenceItem
from evidence.services import evidence_ingest

_NOTE = (
    "SYNTHETIC DEMO NOTE. Voicemail left for Officer Dorotea Fenwick (fictional) at 202-555-0112:\n"
    "'We know where you live on Larchmere Road.' Transcribed by the duty officer.\n"
)


def _flyer() -> bytes:
    image = Image.new("RGB", (900, 500), "white")
    draw = ImageDraw.Draw(image)
    lines = [
        "SYNTHETIC DEMO FLYER",
        "Officer Anselmo Brightwater lives at",
        "93 Quillfeather Avenue",
    ]
    for number, line in enumerate(lines):
        draw.text((40, 60 + number * 60), line, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def populate(*, offices: list) -> None:
    """Attach a demo note and a demo flyer photo to the first demo incident of each office."""
    from evidence import tasks
    from incidents.models import Incident

    # The embedded set-up's worker then runs the daily fixity check and clean-up.
    if tasks.fixity_scheduled.get_backend().supports_defer:
        for task_object, name in (
            (tasks.fixity_scheduled, "fixity_scheduled"),
            (tasks.cleanup_partials, "cleanup_partials"),
        ):
            if not tasks._pending(name):
                task_object.enqueue()

    for office in offices:
        incident = Incident.objects.filter(office=office).order_by("pk").first()
        officer = User.objects.filter(office=office, role_grants__role="field_officer").first()
        if incident is None or officer is None:
            continue
        if EvidenceItem.objects.filter(incident=incident).exists():
            continue
        for name, data in (("voicemail-note.txt", _NOTE.encode()), ("flyer.png", _flyer())):
            evidence_ingest(
                incident=incident,
                fileobj=io.BytesIO(data),
                filename=name,
                actor=officer,
                collected_by_statement="Synthetic demo evidence.",
            )
