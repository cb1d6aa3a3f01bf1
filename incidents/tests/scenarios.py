"""The issue's scenarios, shared by the API, page and service tests. All synthetic test data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    name: str
    conduct: list[str]
    narrative: str
    outcome: str
    offenses_allowed: tuple[str, ...] = ()  # must all be allowed
    offenses_refused: tuple[str, ...] = ()  # must all be refused
    # Names a victim who is a family member of an officer (18 U.S.C. 115(a)(1)(A) needs one).
    family_victim: bool = False


FAMILY_VICTIM = {"name": "Synthetic Relative (test)", "relation": "family"}


# Identifiers planted in protected-only narratives to prove they are not stored.
PLANTED = "Call 202-555-0147, mail filmer@example.invalid, handle @synthetic_filmer, plate ABC1234."
PLANTED_VALUES = ["202-555-0147", "filmer@example.invalid", "@synthetic_filmer", "ABC1234"]

PROTECTED = [
    Scenario(
        "filming an arrest from a sidewalk",
        ["recording"],
        "Synthetic test: a person on the sidewalk of Fictional Ave was filming the arrest. "
        + PLANTED,
        "protected_only",
    ),
    Scenario(
        "photographing officers from across the street",
        ["photographing"],
        "Synthetic test: someone photographed officers from across the street. " + PLANTED,
        "protected_only",
    ),
    Scenario(
        "following an ICE vehicle at a distance while livestreaming",
        ["following_at_distance", "livestreaming"],
        "Synthetic test: a car followed the ICE vehicle at a distance; the driver was "
        "livestreaming. " + PLANTED,
        "protected_only",
    ),
    Scenario(
        "chanting and holding signs outside an office",
        ["protest_presence"],
        "Synthetic test: a group chanted and held signs outside the office. " + PLANTED,
        "protected_only",
    ),
    Scenario(
        "posting an officer's name and badge number with criticism",
        ["posting_public_info", "criticism"],
        "Synthetic test: a post named Officer Example and gave a badge number, calling the "
        "officer a disgrace. " + PLANTED,
        "protected_only",
    ),
    Scenario(
        "blowing whistles to warn neighbours",
        ["warning_neighbours"],
        "Synthetic test: residents blew whistles to warn neighbours as officers arrived. "
        + PLANTED,
        "protected_only",
    ),
]

ELIGIBLE = [
    Scenario(
        "a voicemail threatening to kill an officer's family",
        ["threat_voicemail"],
        "Synthetic test: a voicemail said the caller would kill the officer's family.",
        "eligible",
        ("18 U.S.C. 115(a)(1)(A)", "18 U.S.C. 875(c)"),
        ("18 U.S.C. 119", "18 U.S.C. 1361"),
        family_victim=True,
    ),
    Scenario(
        "shoving an officer during an arrest",
        ["physical_contact"],
        "Synthetic test: a bystander shoved the officer twice during an arrest.",
        "eligible",
        ("18 U.S.C. 111(a)",),
        ("18 U.S.C. 119", "18 U.S.C. 875(c)"),
    ),
    Scenario(
        "blocking a vehicle so an arrest cannot proceed",
        ["blocking"],
        "Synthetic test: a person stood in front of the transport vehicle and would not move, "
        "so the arrest could not proceed.",
        "eligible",
        ("18 U.S.C. 111(a)",),
        ("18 U.S.C. 119", "18 U.S.C. 875(c)"),
    ),
    Scenario(
        "a flyer with home addresses and 'make them pay'",
        ["restricted_info_with_call_to_harm"],
        "Synthetic test: a flyer listed the home addresses of two officers under the words "
        "'make them pay'.",
        "eligible",
        ("18 U.S.C. 119",),
        ("18 U.S.C. 111(a)", "18 U.S.C. 1361"),
    ),
    Scenario(
        "following an officer home on three days",
        ["following_home"],
        "Synthetic test: the same car followed the officer home on three separate days.",
        "eligible",
        ("18 U.S.C. 2261A(1)",),
        ("18 U.S.C. 119", "18 U.S.C. 111(a)"),
    ),
]

REVIEW = Scenario(
    "a report that says 'filmed' but chose assault",
    ["physical_contact"],
    "Synthetic test: the man filmed the officers and then the officer was pushed.",
    "needs_review",
    ("18 U.S.C. 111(a)",),
)
