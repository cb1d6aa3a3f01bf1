"""Conduct screening: a pure library (no database), used by the services and `custos screen`.

The reporter chooses *conduct* from a fixed list; Custos never infers conduct from prose. If every
conduct chosen is protected activity, no offense can be alleged and nothing about the people in it
is kept (legal-controls C-30; 5 U.S.C. 552a(e)(7); 28 CFR 23.20(b)). The narrative is scanned for
words suggesting protected activity or sensitive categories; a match the chosen conduct does not
explain sends the incident to a supervisor (C-02).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# The names detector lives in its own module; screening keeps offering it to its callers.
from incidents.personal_names import find_personal_names as find_personal_names
from incidents.personal_names import redact_personal_names as redact_personal_names


class Outcome:
    PROTECTED_ONLY = "protected_only"
    NEEDS_REVIEW = "needs_review"
    ELIGIBLE = "eligible"


# Conduct that can support an offense -------------------------------------------------------
CRIMINAL_CONDUCT: dict[str, object] = {
    "threat_spoken": _("Threat of violence, spoken in person"),
    "threat_written": _("Threat of violence, written (letter, note, flyer)"),
    "threat_voicemail": _("Threat of violence by phone or voicemail"),
    "threat_online": _("Threat of violence online (post, message, email)"),
    "physical_contact": _("Physical contact or assault (push, strike, grab)"),
    "weapon": _("Use or display of a weapon"),
    "blocking": _("Physically blocking or holding an officer or vehicle"),
    "throwing_objects": _("Throwing objects"),
    "property_damage": _("Damage to property"),
    "following_home": _("Following to a home, or following again after being told to stop"),
    "restricted_info_with_call_to_harm": _(
        "Publishing restricted personal information (home address, personal phone, "
        "personal email, SSN) with a call to harm or intimidate"
    ),
}

# Protected activity (C-30: right-to-record cases; 28 CFR 23.20(b)) ---------------------------
PROTECTED_CONDUCT: dict[str, object] = {
    "recording": _("Recording video in public"),
    "photographing": _("Photographing in public"),
    "livestreaming": _("Livestreaming in public"),
    "observing": _("Observing"),
    "following_at_distance": _("Following at a distance in public"),
    "criticism": _("Criticism"),
    "insult_without_threat": _("Insults without a threat"),
    "protest_presence": _("Presence at a protest"),
    "warning_neighbours": _("Warning neighbours (whistles, calls, alerts)"),
    "posting_public_info": _("Posting an officer's name, photo, badge number or on-duty video"),
}

CONDUCT_CHOICES: list[tuple[str, object]] = [
    *CRIMINAL_CONDUCT.items(),
    *PROTECTED_CONDUCT.items(),
]
ALL_CONDUCT = frozenset(CRIMINAL_CONDUCT) | frozenset(PROTECTED_CONDUCT)

# Which offenses each conduct can support (legal-controls section 8, the elements table).
# 18 U.S.C. 119 needs restricted personal information plus intent (C-31): name, photo and badge
# number never qualify, so `posting_public_info` supports nothing. 875(c) needs an interstate
# transmission, so an in-person or paper threat does not support it.
_THREAT = ["18 U.S.C. 115(a)(1)(A)", "18 U.S.C. 115(a)(1)(B)", "18 U.S.C. 1505"]
CONDUCT_OFFENSES: dict[str, list[str]] = {
    "threat_spoken": [*_THREAT, "18 U.S.C. 111(a)"],
    "threat_written": [*_THREAT],
    "threat_voicemail": [*_THREAT, "18 U.S.C. 875(c)", "18 U.S.C. 2261A(2)"],
    "threat_online": [*_THREAT, "18 U.S.C. 875(c)", "18 U.S.C. 2261A(2)"],
    "physical_contact": ["18 U.S.C. 111(a)", "18 U.S.C. 111(b)", "18 U.S.C. 115(a)(1)(A)"],
    "weapon": ["18 U.S.C. 111(a)", "18 U.S.C. 111(b)", "18 U.S.C. 115(a)(1)(A)"],
    "blocking": ["18 U.S.C. 111(a)", "18 U.S.C. 1505"],
    "throwing_objects": ["18 U.S.C. 111(a)", "18 U.S.C. 111(b)", "18 U.S.C. 1361"],
    "property_damage": ["18 U.S.C. 1361"],
    "following_home": ["18 U.S.C. 2261A(1)", "18 U.S.C. 2261A(2)"],
    "restricted_info_with_call_to_harm": [
        "18 U.S.C. 119",
        "18 U.S.C. 2261A(2)",
        "18 U.S.C. 115(a)(1)(B)",
    ],
}

# Words in a narrative that suggest protected activity (mapped to the conduct that explains them)
# or a sensitive category (None: nothing explains them, a supervisor always looks). English and
# Spanish. 28 CFR 23.20(b); legal-controls C-02.
_TERMS: list[tuple[str, str | None]] = [
    (
        r"film(?:s|ed|ing)?|recording|recorded|filmando|filmó|filmaba|grabando|grabó|grababa"
        r"|grabación|video(?:ed|ing)?",
        "recording",
    ),
    (r"photo(?:s|graph|graphs|graphed|graphing)?|fotograf\w*|foto(?:s)?", "photographing"),
    (r"live ?stream(?:s|ed|ing)?|en vivo|transmisión en directo|transmitiendo", "livestreaming"),
    (
        r"protest(?:s|ed|ers?|ing)?|rally|rallies|march(?:es|ed|ing)?|chant(?:s|ed|ing)?"
        r"|signs?|placards?|protesta\w*|manifestaci\w*|marcha\w*|mitin|pancartas?|letreros?"
        r"|consignas?|coreando|corearon",
        "protest_presence",
    ),
    (r"whistles?|silbatos?|pitos?", "warning_neighbours"),
    (
        r"church(?:es)?|mosques?|synagogues?|temples?|unions?|journalists?|reporters?|press"
        r"|iglesias?|mezquitas?|sinagogas?|templos?|sindicatos?|periodistas?|reporteros?|prensa"
        r"|religio\w*|political|política|político|politica|politico",
        None,
    ),
]
_TERM_PATTERNS = [(re.compile(rf"\b(?:{p})\b", re.IGNORECASE), code) for p, code in _TERMS]


@dataclass(frozen=True)
class ScreeningResult:
    outcome: str
    reasons: list[str] = field(default_factory=list)
    offenses_allowed: list[str] = field(default_factory=list)
    flagged_terms: list[str] = field(default_factory=list)

    @property
    def is_protected_only(self) -> bool:
        return self.outcome == Outcome.PROTECTED_ONLY


class UnknownConduct(ValueError):
    """A conduct code that is not on the fixed list."""


def validate_conduct(conduct: list[str]) -> list[str]:
    """Return the conduct codes, de-duplicated in list order; raise on unknown or empty."""
    if not conduct:
        raise UnknownConduct("Choose at least one kind of conduct.")
    unknown = [c for c in conduct if c not in ALL_CONDUCT]
    if unknown:
        raise UnknownConduct(f"Unknown conduct: {', '.join(sorted(set(map(str, unknown))))}.")
    return list(dict.fromkeys(conduct))


# Offenses whose victim must be a member of an officer's immediate family (legal-controls
# section 8: 18 U.S.C. 115(a)(1)(A), "against a member of the immediate family of such an
# official"). Allowed only when the incident names a victim with the family relation.
FAMILY_VICTIM = "family"
FAMILY_ONLY_OFFENSES = frozenset({"18 U.S.C. 115(a)(1)(A)"})


def offenses_supported_by_conduct(conduct: list[str]) -> list[str]:
    """Return every offense code the conduct alone can support (before victim requirements)."""
    codes: dict[str, None] = {}
    for item in conduct:
        for code in CONDUCT_OFFENSES.get(item, []):
            codes[code] = None
    return sorted(codes)


def offenses_allowed(conduct: list[str], victim_relations: Iterable[str] = ()) -> list[str]:
    """Return the offense codes the conduct and victims can support, in a stable order.

    The one place allowed offenses are computed: 18 U.S.C. 115(a)(1)(A) needs a victim who is a
    family member of an officer (`victim_relations` holds the victims' relation codes).
    """
    has_family = FAMILY_VICTIM in set(victim_relations)
    return [
        code
        for code in offenses_supported_by_conduct(conduct)
        if has_family or code not in FAMILY_ONLY_OFFENSES
    ]


def flag_terms(narrative: str) -> list[tuple[str, str | None]]:
    """Return (word found, conduct that explains it or None) for each flagged word."""
    found: list[tuple[str, str | None]] = []
    for pattern, code in _TERM_PATTERNS:
        for match in pattern.finditer(narrative or ""):
            found.append((match.group(0).lower(), code))
    return found


def screen(
    conduct: list[str], narrative: str = "", victim_relations: Iterable[str] = ()
) -> ScreeningResult:
    """Screen chosen conduct and narrative; return the outcome, reasons and allowed offenses.

    `victim_relations` are the relation codes of the incident's victims ("officer", "family"...);
    they only limit the offenses (see `offenses_allowed`), never the outcome.
    """
    conduct = validate_conduct(conduct)
    criminal = [c for c in conduct if c in CRIMINAL_CONDUCT]
    if not criminal:
        # C-30: protected activity alone supports no offense and no subject.
        return ScreeningResult(
            outcome=Outcome.PROTECTED_ONLY,
            reasons=["all conduct chosen is protected activity: " + ", ".join(conduct)],
        )
    allowed = offenses_allowed(criminal, victim_relations)
    disagreeing = sorted(
        {word for word, code in flag_terms(narrative) if code is None or code not in conduct}
    )
    if disagreeing:
        # C-02: a narrative that speaks of protected activity or a sensitive category the chosen
        # conduct does not account for goes to a supervisor before anything moves on.
        return ScreeningResult(
            outcome=Outcome.NEEDS_REVIEW,
            reasons=[
                "narrative mentions protected activity or a sensitive category not reflected in "
                "the chosen conduct: " + ", ".join(disagreeing)
            ],
            offenses_allowed=allowed,
            flagged_terms=disagreeing,
        )
    return ScreeningResult(
        outcome=Outcome.ELIGIBLE,
        reasons=["conduct that can support an offense: " + ", ".join(criminal)],
        offenses_allowed=allowed,
    )


# Redaction of identifiers in protected-only narratives (5 U.S.C. 552a(e)(7)) -----------------
_REDACTIONS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email removed]"),
    (re.compile(r"(?<!\w)@[A-Za-z0-9_.]{2,}"), "[handle removed]"),
    (
        re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)"),
        "[phone removed]",
    ),
    (
        re.compile(
            r"\b(?:plates?|tags?|licen[cs]e(?: plate)?|placas?|matr[ií]cula)"
            r"(?:\s+(?:number|no\.?|n[uú]mero|#))?[\s:#]*[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]\b",
            re.IGNORECASE,
        ),
        "[plate removed]",
    ),
]


def redact_identifiers(text: str) -> tuple[str, int]:
    """Replace emails, handles, phone numbers and plates with placeholders; return text, count."""
    total = 0
    for pattern, placeholder in _REDACTIONS:
        text, count = pattern.subn(placeholder, text)
        total += count
    return text, total
