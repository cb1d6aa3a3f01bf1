"""Synthetic demo incidents for `custos demo` (idempotent). Every value is invented."""

from __future__ import annotations

from accounts.models import User

_DEMO = [
    (
        "field_report",
        ["threat_voicemail"],
        ["18 U.S.C. 115(a)(1)(A)", "18 U.S.C. 875(c)"],
        "Synthetic demo: a voicemail said the caller would hurt the officer's family.",
    ),
    (
        "field_report",
        ["physical_contact"],
        ["18 U.S.C. 111(a)"],
        "Synthetic demo: a bystander shoved the officer during an arrest on Larkspur Lane.",
    ),
    (
        "phone_tip",
        ["restricted_info_with_call_to_harm"],
        ["18 U.S.C. 119"],
        "Synthetic demo: a flyer on Quillfeather Avenue listed officers' home addresses with "
        "'make them pay'.",
    ),
    (
        "field_report",
        ["physical_contact"],
        [],
        "Synthetic demo: the man filmed the officers and then pushed one of them.",
    ),
    (
        "field_report",
        ["recording"],
        [],
        "Synthetic demo: a person filmed an arrest from the sidewalk of Mirlo Street.",
    ),
]


def populate(*, offices: list) -> None:
    """Give each demo office a few synthetic incidents: eligible, for review, protected-only."""
    from incidents.models import Incident
    from incidents.services import incident_submit

    for office in offices:
        if Incident.objects.filter(office=office, narrative__startswith="Synthetic demo").exists():
            continue
        officer = User.objects.filter(username=f"{office.code}-field-officer").first()
        supervisor = User.objects.filter(username=f"{office.code}-supervisor").first()
        if officer is None or supervisor is None:
            continue
        for channel, conduct, offenses, narrative in _DEMO:
            incident_submit(
                office=office,
                channel=channel,
                conduct=conduct,
                narrative=narrative,
                offenses=offenses,
                victims=[
                    {"user": officer, "relation": "officer"},
                    # 18 U.S.C. 115(a)(1)(A) needs a family-member victim (invented name).
                    *(
                        [{"name": "Synthetic Family Member (demo)", "relation": "family"}]
                        if "18 U.S.C. 115(a)(1)(A)" in offenses
                        else []
                    ),
                ],
                actor=supervisor if channel == "phone_tip" else officer,
                location_text=f"{office.name} area (synthetic)",
            )
