"""The generic permission matrix (issue 10 item 7): every route of the resolver × every role ×
own city / other city / other organisation, reads and writes.

- Every route needs a scoping rule in tests/permissions/routes.py (test_route_has_a_rule).
- test_route_is_real: the URL filled with city A's objects is a real page (or action) for the
  role that owns it in city A — so the matrix cannot pass on wrong URLs.
- test_read: a user of city A reading city B's object gets 403/404 (anonymous: the login
  redirect); a stranger of city A (an organisation of the same role taking part in nothing)
  reading city A's object likewise; a list holds no marker of city B (nor, for the stranger,
  of city A); own reads answer without a server error.
- test_write: every write method the view takes (DRF: the router's method map; function
  views: their `require_http_methods`, else POST), against the other city's or
  organisation's object, is refused (403/404/405; anonymous: login redirect or 401/403) and
  changes nothing: no create/update/delete/transition audit entry, the target row and the
  row count of the collection's model unchanged.
"""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from apps.accounts.roles import EXTERNAL_ROLES, Role
from apps.audit.models import AuditEntry

from .discovery import all_routes
from .routes import LIST, NAMESPACES, PENDING, PROVINCE, PUBLIC, ROUTES, SELF, STAFF, rule_for

pytestmark = pytest.mark.django_db

ROUTES_FOUND = all_routes()
ANONYMOUS = "anonymous"
ROLES = [*sorted(Role), ANONYMOUS]
HIDDEN = {403, 404}
REFUSED = {403, 404, 405}
WRITE_AUDIT_ACTIONS = ("create", "update", "delete", "transition")
# The admin site lets staff in, whatever the role (no role account is staff): each of its
# routes is probed anonymously and as the system administrator, the role most likely to be
# made staff one day.
STAFF_PROBES = {ANONYMOUS, Role.SYSTEM_ADMIN}


# --- the cases ----------------------------------------------------------------------------


def _cases(rule, role) -> list[str]:
    """other_city: the role's user of city A on city B's object (anonymous: on city B's);
    other_org: the role's stranger of city A on city A's object (external roles)."""
    if rule is None or rule.owner in (PUBLIC, SELF):
        return []
    if rule.owner == STAFF:
        return ["other_city"] if role in STAFF_PROBES else []
    if rule.owner == PENDING:
        return ["other_city"] if role == ANONYMOUS else []
    if role == ANONYMOUS:
        return ["other_city"]
    cases = ["other_city"]
    if role in EXTERNAL_ROLES and rule.owner != PROVINCE:
        cases.append("other_org")
    return cases


def _read_params():
    for route in ROUTES_FOUND:
        rule = rule_for(route.name)
        if rule is None or not route.read:
            continue
        for role in ROLES:
            for case in _cases(rule, role):
                yield pytest.param(route, role, case, id=f"{route.name}-{role}-{case}")


def _write_params():
    for route in ROUTES_FOUND:
        rule = rule_for(route.name)
        if rule is None or rule.owner in (PUBLIC, SELF):
            continue
        for method in route.write_methods:
            for role in ROLES:
                for case in _cases(rule, role):
                    yield pytest.param(
                        route, role, case, method, id=f"{route.name}-{role}-{case}-{method.upper()}"
                    )


# --- helpers ------------------------------------------------------------------------------


_CLIENT = []


def _client(sessions, user) -> Client:
    """One client for the module (a new one loads the whole middleware chain again, static
    files index included), its cookies reset to the user's session for each request."""
    if not _CLIENT:
        _CLIENT.append(Client(raise_request_exception=True))
    client = _CLIENT[0]
    client.cookies.clear()
    if user is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[user.pk]
    return client


def _actor(world, role, case):
    if role == ANONYMOUS:
        return None
    if case == "other_org":
        return world.a.strangers[role]
    return world.a.users[role]


def _target_city(world, case):
    return world.b if case == "other_city" else world.a


def _url(route, rule, city, *, bogus=False) -> str:
    from django.urls import reverse

    if rule.owner == PENDING:
        from django.urls import NoReverseMatch

        for made_up in (999999, "00000000-0000-4000-8000-000000000000"):
            try:
                return reverse(route.name, kwargs=dict.fromkeys(route.kwargs, made_up))
            except NoReverseMatch:
                continue
        raise AssertionError(f"route {route.name}: no made-up path fits")
    if rule.owner == STAFF:
        values = {name: ("auth" if name == "app_label" else "1") for name in route.kwargs}
        if route.name.startswith("admin:") and "/" in route.name:
            return "/" + _fill(route.pattern, values)
        return reverse(route.name, kwargs=values)
    kwargs = rule.path_kwargs(city)
    if bogus:
        kwargs = {k: (999999 if k in rule.kwargs else v) for k, v in kwargs.items()}
    missing = set(route.kwargs) - set(kwargs)
    assert not missing, f"route {route.name}: the rule fills no {sorted(missing)}"
    return reverse(route.name, kwargs={k: kwargs[k] for k in route.kwargs})


def _fill(pattern: str, values: dict) -> str:
    import re

    text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), "1")), pattern)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), "1")), text)
    return text.replace("^", "").replace("$", "")


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "login" in response.get("Location", "")


def _anonymous_refused(response) -> bool:
    return _is_login_redirect(response) or response.status_code in (401, 403)


def _snapshot(rule, city):
    """What a refused write must leave as it was."""
    writes = AuditEntry._default_manager.filter(action__in=WRITE_AUDIT_ACTIONS).count()
    row = None
    target = rule.target_object(city) if rule.owner not in (STAFF, PENDING) else None
    if target is not None:
        row = type(target)._default_manager.filter(pk=target.pk).values().first()
    count = None
    if rule.model:
        count = apps.get_model(rule.model)._default_manager.count()
    return {"audited writes": writes, "target row": row, f"{rule.model} rows": count}


def _send(client, method, url, rule, city):
    body = rule.body(city) if rule.owner not in (STAFF, PENDING) else {}
    if not rule.json:
        # Steps that cannot be undone ask for a confirmation first: send it.
        body = {"confirmed": "1", **body}
    if rule.json:
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")
    if method == "post":
        return client.post(url, body)
    # PUT/PATCH/DELETE to a form view: url-encoded like a browser's method override.
    from urllib.parse import urlencode

    return getattr(client, method)(
        url, urlencode(body, doseq=True), content_type="application/x-www-form-urlencoded"
    )


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES_FOUND, ids=lambda r: r.name)
def test_route_has_a_rule(route):
    assert rule_for(route.name) is not None, (
        f"route {route.name} ({route.pattern}) has no scoping rule: "
        "add it to tests/permissions/routes.py"
    )


def test_every_rule_names_a_route():
    names = {route.name for route in ROUTES_FOUND}
    namespaces = {route.namespace for route in ROUTES_FOUND}
    stale = sorted(set(ROUTES) - names) + sorted(set(NAMESPACES) - namespaces)
    assert stale == [], f"rules for routes that no longer exist: {stale}"


def _real_params():
    for route in ROUTES_FOUND:
        rule = rule_for(route.name)
        if rule is not None and route.kwargs and rule.owner not in (STAFF, PUBLIC, SELF, PENDING):
            yield pytest.param(route, id=route.name)


@pytest.mark.parametrize("route", list(_real_params()))
def test_route_is_real(world, sessions, route):
    rule = rule_for(route.name)
    city = world.a
    owner = city.users[rule.owner_role]
    if rule.owner == PROVINCE:
        owner = world.province_users[rule.owner_role]
    client = _client(sessions, owner)
    url = _url(route, rule, city)
    if route.read and not rule.post_only:
        response = client.get(url)
    else:
        response = _send(client, route.write_methods[0], url, rule, city)
    status = response.status_code
    if status == 403:
        # Refused by the object's state (e.g. a step already taken) — after the look-up: the
        # same URL with objects that do not exist answers 404.
        bogus = _url(route, rule, city, bogus=True)
        bogus_response = (
            client.get(bogus)
            if route.read and not rule.post_only
            else _send(client, route.write_methods[0], bogus, rule, city)
        )
        assert bogus_response.status_code == 404, (url, status, bogus_response.status_code)
    else:
        # 400, 412: the request was refused for its content or headers, not for its URL.
        assert status in (200, 201, 204, 302, 400, 412), (
            f"{url} answers {status} to {owner.role} of its own level: wrong URL?"
        )
    assert not _is_login_redirect(response), url


@pytest.mark.parametrize(("route", "role", "case"), list(_read_params()))
def test_read(world, sessions, route, role, case):
    rule = rule_for(route.name)
    actor = _actor(world, role, case)
    city = _target_city(world, case)
    client = _client(sessions, actor)
    url = _url(route, rule, city)
    response = client.get(url)
    if rule.owner == STAFF:
        assert _is_login_redirect(response), (url, response.status_code)
        return
    if actor is None:
        assert _anonymous_refused(response), (url, response.status_code)
        return
    if role in rule.readable_by:
        assert response.status_code < 500, url
        return
    if rule.owner == LIST:
        # A list: nothing of the other city / organisation.
        body = b"".join(response) if response.streaming else response.content
        shown = [m for m in city.secrets() if m.encode() in body]
        assert not shown, f"{url} shows {shown} to {role} of {case}"
        return
    assert response.status_code in HIDDEN, (
        f"{url}: {role} ({case}) reads another's object: {response.status_code}"
    )


@pytest.mark.parametrize(("route", "role", "case", "method"), list(_write_params()))
def test_write(world, sessions, route, role, case, method):
    rule = rule_for(route.name)
    actor = _actor(world, role, case)
    city = _target_city(world, case)
    client = _client(sessions, actor)
    url = _url(route, rule, city)
    before = _snapshot(rule, city)
    response = _send(client, method, url, rule, city)
    after = _snapshot(rule, city)
    if role in rule.writable_by:
        return
    assert after == before, f"{method.upper()} {url} as {role} ({case}) changed data"
    if rule.owner == STAFF:
        assert _is_login_redirect(response), (url, response.status_code)
    elif actor is None:
        assert _anonymous_refused(response), (url, response.status_code)
    elif role in rule.writable_by:
        assert response.status_code < 500, url
    elif rule.owner == LIST or rule.shared:
        # A collection (or an object both cities share): the form refuses the other city's
        # object — 200 with its errors, 400, or a redirect — and nothing changed.
        assert response.status_code in {*REFUSED, 200, 302, 400}, (url, response.status_code)
    else:
        assert response.status_code in REFUSED, (
            f"{method.upper()} {url} as {role} ({case}): {response.status_code}"
        )


def _own_write_params():
    for route in ROUTES_FOUND:
        rule = rule_for(route.name)
        if (
            rule is not None
            and rule.model
            and rule.payload
            and route.write_methods
            and not rule.no_own_write
        ):
            yield pytest.param(route, id=f"{route.name}-{rule.owner_role}-own-POST")


@pytest.mark.parametrize("route", list(_own_write_params()))
def test_own_write(world, sessions, route):
    """The payload the matrix sends to the other city works on the owner's own city: the
    refusal there is the scoping's, not a malformed request's."""
    rule = rule_for(route.name)
    city = world.a
    owner = (world.province_users if rule.owner == PROVINCE else city.users)[rule.owner_role]
    client = _client(sessions, owner)
    model = apps.get_model(rule.model)._default_manager
    before = model.count()
    response = _send(client, route.write_methods[0], _url(route, rule, city), rule, city)
    body = ""
    if response.status_code == 200:
        import re

        text = response.content.decode(errors="replace")
        body = re.findall(r"(?:invalid-feedback|alert-danger|errorlist)[^>]*>([^<]{1,300})", text)
    assert model.count() == before + 1, (response.status_code, body)
