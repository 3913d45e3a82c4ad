"""Who is acting right now: set per request by middleware, per command by `acting_as`.

The audit log and personal-data access log read it, so that every write and every reveal names
its actor, role, organisation, address and request without each service passing them along.
"""

import contextlib
import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ActorContext:
    user_id: int | None = None
    username: str = ""
    role: str = ""
    organisation: str = ""
    ip_address: str | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    via: str = "system"


_current: contextvars.ContextVar[ActorContext | None] = contextvars.ContextVar(
    "wipp_actor", default=None
)


def current_actor() -> ActorContext:
    return _current.get() or ActorContext()


def actor_for_user(
    user, *, ip_address: str | None = None, via: str = "web", request_id: str | None = None
) -> ActorContext:
    """The actor of a user; inside a request (or command) already bound, it keeps that
    request's id, so a rebinding (API-key authentication, login) stays on the same request."""
    if request_id is None:
        bound = _current.get()
        request_id = bound.request_id if bound is not None else uuid.uuid4().hex
    if user is None or not getattr(user, "is_authenticated", False):
        return ActorContext(ip_address=ip_address, via=via, request_id=request_id)
    organisation = user.organisation.name if getattr(user, "organisation_id", None) else ""
    return ActorContext(
        user_id=user.pk,
        username=user.get_username(),
        role=getattr(user, "role", ""),
        organisation=organisation,
        ip_address=ip_address,
        request_id=request_id,
        via=via,
    )


def bind_actor(actor: ActorContext) -> None:
    """Rebind inside an already bound context (API-key authentication happens in the view);
    the enclosing `acting_as` restores the outer value when the request ends."""
    _current.set(actor)


@contextlib.contextmanager
def acting_as(actor: ActorContext):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def actor_bound() -> ActorContext | None:
    """The actor bound by a request or command, None outside one (log records)."""
    return _current.get()
