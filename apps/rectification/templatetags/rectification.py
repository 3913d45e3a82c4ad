"""The project page's section of rectification orders: `{% rectification_section project %}`."""

from django import template

from apps.projects.models import ProjectStage

from .. import selectors, services
from ..models import OrderState

register = template.Library()
SHOWN = 5


@register.inclusion_tag("rectification/_project_section.html", takes_context=True)
def rectification_section(context, project):
    user = context["request"].user
    orders = selectors.orders_of_project(user=user, project=project)
    readable = user.is_superuser or user.role in selectors.READ_ROLES
    return {
        "project": project,
        "readable": readable,
        "orders": list(orders.order_by("-issued_at", "-pk")[:SHOWN]) if readable else [],
        "open_count": orders.exclude(state=OrderState.CLOSED).count() if readable else 0,
        "may_issue": readable
        and project.stage == ProjectStage.IMPLEMENTATION
        and services.may_issue(user, project),
    }
