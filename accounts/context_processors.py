"""Template context: the signed-in user's roles and capabilities."""

from typing import Any

from django.http import HttpRequest

from accounts.permissions import Perm, has_perm, is_read_only


class _PermLookup:
    """Let templates ask `{% if perms_for.incident_view %}` without custom tags."""

    def __init__(self, user: Any) -> None:
        self._user = user

    def __getattr__(self, name: str) -> bool:
        try:
            perm = Perm[name.upper()]
        except KeyError:
            return False
        return has_perm(self._user, perm)


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": [], "can": _PermLookup(None), "read_only": False}
    return {
        "user_roles": sorted(user.role_set),
        "can": _PermLookup(user),
        "read_only": is_read_only(user),
    }
