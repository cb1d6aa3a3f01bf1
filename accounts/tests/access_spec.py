"""Access expectations for the accounts routes (read by common/tests/test_access_matrix.py)."""

from accounts.permissions import Perm
from common.testing import Actor, Route, always, api_call, page


def _tokens_post(actor: Actor) -> int:
    # Creating a token re-renders the page with the secret; anonymous users go to sign-in.
    return 302 if actor.anonymous else 200


def _own_token(world):
    from accounts import services

    token, _secret = services.token_create(user=world.user("a", "field_officer"), name="matrix")
    return {"token_id": token.pk}


def _revoke(actor: Actor) -> int:
    if actor.anonymous:
        return 302
    # Only the token's owner sees it; for everybody else it does not exist.
    return 302 if (actor.office, actor.role) == ("a", "field_officer") else 404


ROUTES = [
    Route("accounts:home", page(Perm.HOME)),
    # Signed-in users are sent on from the sign-in page.
    Route("accounts:login", lambda a: 200 if a.anonymous else 302),
    Route("accounts:logout", lambda a: 302, method="POST"),
    Route("accounts:mfa_enrol", lambda a: 302 if a.anonymous else 200),
    Route("accounts:mfa_verify", lambda a: 302 if a.anonymous else 200),
    Route("accounts:tokens", page(Perm.OWN_TOKENS)),
    Route("accounts:tokens", _tokens_post, method="POST", data=lambda w: {"name": "matrix"}),
    Route("accounts:token_revoke", _revoke, method="POST", kwargs=_own_token),
    Route("set_language", lambda a: 302, method="POST", data=lambda w: {"language": "es"}),
    Route("api:me", api_call(None), api=True),
    Route("api:openapi-json", always(200), api=True),
    Route("api:openapi-view", always(200), api=True),
    Route("api:api-root", always(404), api=True),
]
