"""Reads of rectification orders: scoped (fail-closed) gets and lists, and the steps a user may
take on an order (from the table, less the platform's own)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.roles import Role
from apps.core.workflow import actions_available
from apps.projects.models import Project

from .models import OrderState, RectificationOrder
from .workflow import PAGE_STEPS, rectification_workflow

#: Who reads orders: the region's offices, member units, HRSS departments and social-insurance
#: agencies (HB §24), the project's implementing and evaluation agencies.
READ_ROLES = frozenset(
    {
        Role.OFFICE,
        Role.MEMBER_UNIT,
        Role.HRSS,
        Role.SI_AGENCY,
        Role.IMPLEMENTER,
        Role.EVALUATOR,
    }
)
FILTERS = ("state", "project")


def read_require(user) -> None:
    if not (user.is_superuser or user.role in READ_ROLES):
        raise PermissionDenied


def orders_for(*, user):
    read_require(user)
    return RectificationOrder.objects.for_user(user).select_related(
        "project", "raised_by_organisation", "implementer"
    )


def order_list(*, user, filters: dict):
    orders = orders_for(user=user)
    state = filters.get("state") or ""
    if state == "open":
        orders = orders.exclude(state=OrderState.CLOSED)
    elif state in OrderState.values:
        orders = orders.filter(state=state)
    project = filters.get("project") or ""
    if str(project).isdigit():
        orders = orders.filter(project_id=int(project))
    return orders.order_by("-issued_at", "-pk")


def order_get(*, user, pk) -> RectificationOrder:
    try:
        return orders_for(user=user).select_related("source_finding", "event").get(pk=pk)
    except RectificationOrder.DoesNotExist as exc:
        raise Http404 from exc


def project_get(*, user, pk) -> Project:
    read_require(user)
    try:
        return Project.objects.for_user(user).get(pk=pk)
    except Project.DoesNotExist as exc:
        raise Http404 from exc


def orders_of_project(*, user, project):
    if not (user.is_superuser or user.role in READ_ROLES):
        return RectificationOrder.objects.none()
    return (
        RectificationOrder.objects.for_user(user)
        .filter(project=project)
        .select_related("raised_by_organisation")
    )


def steps_for(*, user, order) -> list:
    """The table's steps the user may take now (the platform's rows are never offered)."""
    return [
        t
        for t in actions_available(table=rectification_workflow(), instance=order, user=user)
        if t.action in PAGE_STEPS and t.roles
    ]


def answers_of(order):
    return order.answers.select_related("answered_by", "decided_by").prefetch_related(
        "files__evidence"
    )
