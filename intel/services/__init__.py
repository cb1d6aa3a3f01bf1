"""Every write to the intelligence index (28 CFR Part 23), each audited in its transaction.

Split by subdomain (ARCHITECTURE.md: a module splits before it passes about 500 lines); the
names below are the package's public interface, so ``from intel import services`` and
``from intel.services import subject_propose`` keep working.
"""

from intel.services.dissemination import (
    IMMINENT_DANGER_FIELDS,
    agency_register,
    can_disseminate,
    disseminate_imminent_danger,
    disseminate_intelligence,
)
from intel.services.links import (
    link_decide,
    link_may_decide,
    links_propose_for_incident_identifier,
    links_propose_for_subject,
)
from intel.services.notices import recipient_notice_send, recipients_advise
from intel.services.purge import purge_approve, purge_request
from intel.services.subjects import (
    REMINDER_DAYS,
    IdentifierInput,
    restricted_hit_notify,
    restricted_open_notify,
    subject_approve,
    subject_correct,
    subject_identifier_add,
    subject_legal_hold,
    subject_propose,
    subject_reject,
    subject_validate,
    subjects_review_tick,
)

__all__ = [
    "IMMINENT_DANGER_FIELDS",
    "REMINDER_DAYS",
    "IdentifierInput",
    "agency_register",
    "can_disseminate",
    "disseminate_imminent_danger",
    "disseminate_intelligence",
    "link_decide",
    "link_may_decide",
    "links_propose_for_incident_identifier",
    "links_propose_for_subject",
    "purge_approve",
    "purge_request",
    "recipient_notice_send",
    "recipients_advise",
    "restricted_hit_notify",
    "restricted_open_notify",
    "subject_approve",
    "subject_correct",
    "subject_identifier_add",
    "subject_legal_hold",
    "subject_propose",
    "subject_reject",
    "subject_validate",
    "subjects_review_tick",
]
