"""Access expectations for the audit pages (read by common/tests/test_access_matrix.py)."""

from accounts.permissions import Perm
from common.testing import Route, page

ROUTES = [
    Route("audit:events", page(Perm.AUDIT_READ)),
    Route("audit:disclosures", page(Perm.AUDIT_READ)),
]
