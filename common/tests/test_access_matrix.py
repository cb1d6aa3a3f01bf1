"""Walk every URL and API route as each role of two offices and as an anonymous user.

Each app lists its routes' expectations in `<app>/tests/access_spec.py` (ROUTES). A route with no
expectation fails this test, so every new route must say who may use it. API writes get a valid
body (JSON, or a real file for uploads) from the route's `data`, so their statuses are the
authorisation answers; pages get form bodies.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from common.testing import Actor, Route, login_verified

IGNORED_NAMESPACES = {"djdt"}


def _url_names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in IGNORED_NAMESPACES:
                continue
            names |= _url_names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def _all_specs() -> list[Route]:
    routes: list[Route] = []
    for app in settings.INSTALLED_APPS:
        module_name = f"{app}.tests.access_spec"
        if "." in app or importlib.util.find_spec(f"{app}.tests") is None:
            continue
        if importlib.util.find_spec(module_name) is not None:
            routes.extend(importlib.import_module(module_name).ROUTES)
    return routes


def test_every_route_has_an_access_expectation():
    specified = {route.name for route in _all_specs()}
    missing = sorted(_url_names(get_resolver()) - specified)
    assert missing == [], f"routes with no access expectation: {missing}"


def _actors(world) -> list[Actor]:
    actors = [Actor(role=None, office=None, user=None)]
    for (office, role), user in sorted(world.users.items()):
        actors.append(Actor(role=role, office=office, user=user))
    return actors


@pytest.mark.django_db
def test_access_matrix(world):
    failures = []
    checked = 0
    # API writes some actor got through (2xx): proof that the route's body is valid, so the
    # refusals around it are authorisation answers, not validation errors.
    writes_accepted: set[tuple[str, str]] = set()
    for route in _all_specs():
        for actor in _actors(world):
            # Fresh kwargs per actor: a route may consume its object (revoke, delete).
            kwargs = route.kwargs(world) if route.kwargs else {}
            url = reverse(route.name, kwargs=kwargs)
            if route.query:
                url = f"{url}?{urlencode(route.query(world))}"
            client = Client()
            if actor.user is not None:
                login_verified(client, actor.user)
            data = route.data(world) if route.data else None
            if route.method == "GET":
                response = client.get(url, data)
            elif route.api and route.body == "multipart":
                response = client.post(url, data)
            elif route.api and route.body == "raw":
                response = client.generic(
                    route.method, url, data=data, content_type="application/octet-stream"
                )
            elif route.api:
                # The API takes JSON: a valid body, so the status shows who may write, not
                # what the validation refuses.
                response = client.generic(
                    route.method,
                    url,
                    data=json.dumps(data or {}, cls=DjangoJSONEncoder),
                    content_type="application/json",
                )
            else:
                response = client.generic(
                    route.method,
                    url,
                    data=urlencode(data or {}, doseq=True),
                    content_type="application/x-www-form-urlencoded",
                )
            expected = route.expect(actor)
            checked += 1
            if route.api and 200 <= response.status_code < 300:
                writes_accepted.add((route.name, route.method))
            if response.status_code != expected:
                who = "anonymous" if actor.anonymous else f"{actor.office}-{actor.role}"
                failures.append(
                    f"{route.method} {route.name} as {who}: {response.status_code} != {expected}"
                    + (f" {response.content[:160]!r}" if route.api else "")
                )
    assert failures == [], "\n".join(failures)
    api_writes = {(r.name, r.method) for r in _all_specs() if r.api and r.method != "GET"}
    assert sorted(api_writes - writes_accepted) == [], "API writes no actor could make"
    assert checked >= len(_actors(world))
