"""The roles a Custos user can hold, and what each may do, in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FIELD_OFFICER = "field_officer", _("Field officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("Analyst")
    RS_APPROVER = "rs_approver", _("Reasonable-suspicion approver")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    OVERSIGHT = "oversight", _("Oversight (inspector general)")
    RECORDS_OFFICER = "records_officer", _("Records officer")
    PROTECTIVE_UNIT = "protective_unit", _("Protective unit")
    ADMINISTRATOR = "administrator", _("Administrator")


# Oversight roles read everything and change nothing (DEVELOPERS.md; 28 CFR 23.20(g) audit).
# A user holding one of them may hold no role that writes.
READ_ONLY_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.OVERSIGHT})

# Roles that read across every field office (oversight of the whole system).
CROSS_OFFICE_READ_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.OVERSIGHT})

# Every role except field officer must use a second factor; field officers too when their office
# turns it on (FieldOffice.require_mfa_for_field_officers).
MFA_EXEMPT_ROLES = frozenset({Role.FIELD_OFFICER})
