"""Every URL pattern and every WebSocket route, walked with a user of each role.

A Director view must declare its `access` (core.access), an API view must check roles through
core.api.permissions.RolePermission, a WebSocket route must be in WS_ACCESS below: a new page, endpoint or
route without a check fails here. Then each is requested as every role and must refuse exactly the roles its
declaration refuses (403 with the sentence; the login page or 401 for nobody).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from acd.api.agent_views import AGENT_STATES_NEEDS
from core.api.permissions import RolePermission, view_access
from core.roles import NEEDS, NO_ROLE, Access, Capability, Role, can
from tests.factories import AgentFactory, ServiceFactory

# Open to anybody, each for a reason: logging in; the API's contract (ccweb is open source); redirects.
PUBLIC = {
    "director:login": "the login page",
    "director:logout": "logging out (POST only)",
    "api:token-obtain": "exchanging a password for a token checks the password itself",
    "api:schema": "the OpenAPI schema: the API's contract is public",
    "api:docs": "the API documentation",
}
# The Django admin checks is_staff itself (only administrators are staff: acd.services.users.assign_role).
OWN_CHECKS = ("admin:",)
ROLES = ("anonymous", "norole", *[role.value for role in Role])


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name, or the pattern for an unnamed route
    kwargs: tuple[str, ...]
    callback: Any
    named: bool


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            pattern = entry.pattern
            kwargs = tuple(getattr(pattern, "converters", {}) or re.compile(str(pattern.regex.pattern)).groupindex)
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}{pattern}"
            yield Route(name, kwargs, entry.callback, bool(entry.name))


def routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.name, route)  # DRF lists each route with and without a format suffix
    return list(seen.values())


def declared_access(route: Route) -> Access | None:
    callback = route.callback
    drf = getattr(callback, "cls", None)
    if drf is not None:
        actions = getattr(callback, "actions", None) or {}
        classes = list(drf.permission_classes)
        for name in set(actions.values()):
            classes += getattr(getattr(drf, name, None), "kwargs", {}).get("permission_classes", [])
        return view_access(drf) if RolePermission in classes else None
    view = getattr(callback, "view_class", callback)
    return getattr(view, "access", None)


def test_every_route_declares_who_may_use_it():
    missing = []
    for route in routes():
        if route.name in PUBLIC or route.name.startswith(OWN_CHECKS) or not route.named:
            continue
        if declared_access(route) is None:
            missing.append(route.name)
    assert not missing, f"routes without a role check (declare `access`, or list them in PUBLIC): {missing}"


def test_unnamed_routes_are_only_redirects():
    from django.views.generic import RedirectView

    unnamed = [r for r in routes() if not r.named and not r.name.startswith(OWN_CHECKS)]
    assert unnamed
    for route in unnamed:
        assert getattr(route.callback, "view_class", None) is RedirectView, route.name


@pytest.fixture
def world(db, role_user, django_user_model):
    users = {role: role_user(role) for role in (r.value for r in Role)}
    users["norole"] = django_user_model.objects.create_user("nobody", "n@example.com", "nobody-pass-123")
    own = AgentFactory(number="1001", user=users["agent"])
    other = AgentFactory(number="1002")
    ServiceFactory(name="Sales")
    return users, own, other


def _client(users: dict[str, Any], role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    return client


def _url(route: Route, other_agent: Any) -> str:
    values = {"pk": other_agent.pk, "number": other_agent.number, "service": "Sales", "field": "message_1"}
    values.update({"call_id": "no-such-call", "format": "json", "version": 1, "path": "x"})
    return reverse(route.name, kwargs={name: values.get(name, "1") for name in route.kwargs})


def _expect_refused(access: Access, route: Route, user: Any, role: str, method: str) -> str:
    if role == "anonymous":
        return "Log in first."
    if role == "norole":
        return NO_ROLE
    refusal = access.refusal(user, method)
    # agent-state endpoints: only agents, supervisors and administrators; the agent may act on its own agent
    # only, and every URL here names the other one
    if not refusal and route.name.startswith("api:agent-state"):
        if not (can(user, Capability.USE_DESKTOP) or can(user, Capability.MONITOR)):
            forcing = route.name == "api:agent-state-force"  # its own check comes first
            return NEEDS[Capability.FORCE_AGENT_STATE] if forcing else AGENT_STATES_NEEDS
        if role == Role.AGENT.value:
            return "own agent only"
    return refusal


def _checked_routes() -> list[Route]:
    return [r for r in routes() if r.named and r.name not in PUBLIC and not r.name.startswith(OWN_CHECKS)]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_exactly_where_the_declaration_says(world, role):
    users, _, other = world
    client = _client(users, role)
    wrong = []
    for route in _checked_routes():
        access = declared_access(route)
        url = _url(route, other)
        for method in ("GET", "POST"):
            refusal = _expect_refused(access, route, users.get(role), role, method)
            response = client.generic(method, url)
            api = url.startswith("/api/")
            if refusal:
                if role == "anonymous":
                    ok = response.status_code in ((401, 403) if api else (302,))
                    ok = ok and (api or "/ccd/login/" in response["Location"])
                elif refusal == "own agent only":
                    ok = response.status_code in (403, 405)  # a wrong method is refused before the object
                else:
                    ok = response.status_code == 403
                if ok and role != "anonymous" and refusal != "own agent only":
                    body = response.json()["detail"] if api else response.content.decode()
                    ok = refusal.replace("'", "&#x27;") in body or refusal in body
            else:
                ok = response.status_code not in (401, 403) and not (
                    response.status_code == 302 and "/login/" in response.get("Location", "")
                )
            if not ok:
                wrong.append((method, url, response.status_code, refusal or "allowed"))
            if method == "GET" and not refusal:
                break  # an allowed POST would change things: the refusals are what this test is about
    assert not wrong, wrong


def test_an_integrator_is_refused_everywhere_but_home_and_the_token_endpoint(world):
    """Independent of the declarations: apart from PUBLIC (open to anybody), an integrator (another
    application's account) opens the home page only; every other Director page and API endpoint answers 403,
    to GET and POST (a new view declared for "any role" would let integrators in and fails here). The token
    endpoint gives it its token."""
    users, _, other = world
    client = _client(users, Role.INTEGRATOR.value)
    wrong = []
    for route in _checked_routes():
        url = _url(route, other)
        for method in ("GET",) if route.name == "director:home" else ("GET", "POST"):
            status = client.generic(method, url).status_code
            if (status == 403) == (route.name == "director:home"):
                wrong.append((method, route.name, status))
    assert not wrong, wrong
    login = {"username": "integrator-user", "password": "integrator-user-pass-123"}
    token = Client().post(reverse("api:token-obtain"), login)
    assert token.status_code == 200 and token.json()["token"]


def test_an_agent_acts_on_its_own_agent(world):
    users, own, other = world
    client = _client(users, "agent")
    assert client.get(reverse("api:agent-state-state", args=[own.pk])).status_code == 200
    refused = client.post(reverse("api:agent-state-ready", args=[other.pk]))
    assert refused.status_code == 403 and "own state" in refused.json()["detail"]
    forced = client.post(reverse("api:agent-state-force", args=[own.pk]), {"state": "released"})
    assert forced.status_code == 403
    assert forced.json()["detail"] == "Forcing an agent's state is for supervisors and administrators."


def test_the_403_page_is_styled_with_the_navigation(world):
    users, _, _ = world
    response = _client(users, "supervisor").get(reverse("director:irns_list"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Configuration is for administrators." in page and 'class="sidebar"' in page
    assert "Live Queues" in page and "IRNs" not in page.split('class="content"')[0]  # the supervisor's tree


def test_the_404_page_is_styled(world):
    users, _, _ = world
    response = _client(users, "administrator").get("/ccd/irns/999999/edit/")
    assert response.status_code == 404 and 'class="sidebar"' in response.content.decode()


def test_the_admin_lets_only_administrators_in(world):
    users, _, _ = world
    assert _client(users, "administrator").get("/admin/").status_code == 200
    for role in ("supervisor", "agent", "integrator"):
        response = _client(users, role).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


# ---- WebSockets -------------------------------------------------------------------------------------------

# route → (the URL to open, the roles allowed); the agent route names agent 1001, the agent user's own.
WS_ACCESS: dict[str, tuple[str, set[str]]] = {
    "ws/acd/wallboard/": ("/ws/acd/wallboard/", {"administrator", "supervisor"}),
    "ws/acd/services/<str:service>/": ("/ws/acd/services/Sales/", {"administrator", "supervisor"}),
    "ws/acd/agents/<str:number>/": ("/ws/acd/agents/1001/", {"administrator", "supervisor", "agent"}),
    "ws/cti/": ("/ws/cti/?service=Sales", {"administrator", "supervisor", "integrator"}),
}


def ws_routes() -> list[str]:
    from acd.ws_urls import websocket_urlpatterns

    return [str(p.pattern) for p in websocket_urlpatterns]


def test_every_websocket_route_has_an_access_entry():
    assert sorted(ws_routes()) == sorted(WS_ACCESS)


def communicator(path: str, cookie: bytes | None) -> WebsocketCommunicator:
    from ccweb.asgi import application

    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, path, headers=headers)


def session_cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def close_code(comm: WebsocketCommunicator) -> int | None:
    """The close code the server sent right after the handshake, or None when it sent a snapshot."""
    connected, code = await comm.connect(timeout=5)
    if not connected:
        return code
    message = await comm.receive_output(timeout=5)
    if message["type"] == "websocket.close":
        return message.get("code")
    await comm.disconnect()
    return None


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
def test_each_websocket_route_for_each_role(settings, role, role_user, django_user_model):
    from tests.acd.live.helpers import drop, use_test_prefixes

    client, prefix = use_test_prefixes(settings)
    user = None
    if role == "norole":
        user = django_user_model.objects.create_user("nobody", "n@example.com", "nobody-pass-123")
    elif role != "anonymous":
        user = role_user(role)
    AgentFactory(number="1001", user=user if role == "agent" else None)
    ServiceFactory(name="Sales")
    cookie = session_cookie(user) if user else None
    try:
        for route, (path, allowed) in WS_ACCESS.items():
            expected = None if role in allowed else (4401 if role == "anonymous" else 4403)
            assert asyncio.run(close_code(communicator(path, cookie))) == expected, (route, role)
    finally:
        drop(client, prefix)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_logout_deactivation_and_a_role_change_close_open_sockets(settings, role_user):
    """Within seconds: the logged-out session's socket (4401), a deactivated user's (4401), a supervisor made
    an agent loses the wallboard (4403)."""
    from acd.services.users import assign_role
    from tests.acd.live.helpers import drop, use_test_prefixes

    client, prefix = use_test_prefixes(settings)
    supervisor, other = role_user("supervisor", "sam"), role_user("supervisor", "sue")
    boss = role_user("supervisor", "bob")
    http = Client()
    http.force_login(supervisor)
    cookies = {
        "logout": f"sessionid={http.cookies['sessionid'].value}".encode(),
        "deactivate": session_cookie(other),
        "role": session_cookie(boss),
    }

    async def run() -> dict[str, int]:
        comms = {key: communicator("/ws/acd/wallboard/", cookie) for key, cookie in cookies.items()}
        for comm in comms.values():
            assert (await comm.connect(timeout=5))[0]
            assert (await comm.receive_json_from(timeout=5))["type"] == "snapshot"

        def change() -> None:
            http.post(reverse("director:logout"))
            other.is_active = False
            other.save()
            assign_role(boss, Role.AGENT)

        from asgiref.sync import sync_to_async

        await sync_to_async(change)()
        codes = {}
        for key, comm in comms.items():
            message = await comm.receive_output(timeout=3)
            codes[key] = message.get("code") if message["type"] == "websocket.close" else message
        return codes

    try:
        assert asyncio.run(run()) == {"logout": 4401, "deactivate": 4401, "role": 4403}
    finally:
        drop(client, prefix)


def test_capabilities_of_each_role_come_from_the_migration(db, role_user):
    from core.roles import ROLE_CAPABILITIES, can

    for role in Role:
        user = role_user(role.value)
        assert {c for c in Capability if can(user, c)} == set(ROLE_CAPABILITIES[role]), role
