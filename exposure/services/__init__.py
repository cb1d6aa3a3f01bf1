"""Every write of the exposure app: roster entries, imports, key rotation, alerts and measures.

Each function runs in a transaction and writes its audit event there (DEVELOPERS rules; 28 CFR
23.20(g)). Audit events name roster ids and field names, never the personal values.

Split by subdomain (ARCHITECTURE.md: a module splits before it passes about 500 lines); the
names below are the package's public interface, so existing imports keep working.
"""

from exposure.services.alerts import (
    RESTRICTED_INFO_CONDUCT,
    alert_acknowledge,
    alert_close,
    alert_incident_draft,
    alerts_raise,
    evidence_scan,
    measure_record,
    notice_mark_read,
    text_scan,
)
from exposure.services.roster import (
    LIST_FIELDS,
    PERSONAL_FIELDS,
    RosterValues,
    person_correct_own,
    person_link,
    person_save,
    roster_rotate_keys,
    values_errors,
)

__all__ = [
    "LIST_FIELDS",
    "PERSONAL_FIELDS",
    "RESTRICTED_INFO_CONDUCT",
    "RosterValues",
    "alert_acknowledge",
    "alert_close",
    "alert_incident_draft",
    "alerts_raise",
    "evidence_scan",
    "measure_record",
    "notice_mark_read",
    "person_correct_own",
    "person_link",
    "person_save",
    "roster_rotate_keys",
    "text_scan",
    "values_errors",
]
