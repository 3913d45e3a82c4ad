from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.forms import form_add_service_errors
from apps.core.lists import list_page

from . import selectors, services
from .forms import CallForm
from .models import AnnualCall


def _visible_call(request, pk) -> AnnualCall:
    try:
        return selectors.call_get(user=request.user, pk=pk)
    except AnnualCall.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def call_list(request):
    listing = list_page(
        request,
        selectors.call_list(user=request.user),
        search=("title", "jurisdiction__name"),
        sorts={
            "title": "title",
            "city": "jurisdiction__code",
            "year": "year",
            "deadline": "closes_at",
            "status": "status",
            "submitted": "submitted_count",
        },
        default_sort="-deadline",
    )
    return render(
        request,
        "calls/call_list.html",
        {"listing": listing, "may_create": request.user.role == Role.OFFICE},
    )


@login_required
def call_detail(request, pk):
    call = _visible_call(request, pk)
    return render(
        request,
        "calls/call_detail.html",
        {"call": call, "can": selectors.call_abilities(user=request.user, call=call)},
    )


def _save_call(request, form, call=None):
    data = dict(form.cleaned_data)
    industries = list(data.pop("key_industries"))
    try:
        if call is None:
            return services.call_create(
                user=request.user,
                jurisdiction=request.user.organisation.jurisdiction,
                key_industries=industries,
                **data,
            )
        return services.call_update(user=request.user, call=call, key_industries=industries, **data)
    except ValidationError as exc:
        form_add_service_errors(form, exc)
        return None


@login_required
def call_create(request):
    if request.user.role != Role.OFFICE:
        raise PermissionDenied
    form = CallForm(request.POST or None, jurisdiction=request.user.organisation.jurisdiction)
    if request.method == "POST" and form.is_valid():
        call = _save_call(request, form)
        if call is not None:
            messages.success(request, _("Call saved as a draft."))
            return redirect("calls:detail", pk=call.pk)
    return render(request, "calls/call_form.html", {"form": form})


@login_required
def call_update(request, pk):
    call = _visible_call(request, pk)
    # A published call is visible to every role; its edit form is only for the office of the
    # call's own level (the service refuses anyone else's save anyway).
    if not services.call_manageable_by(user=request.user, call=call):
        raise PermissionDenied
    form = CallForm(
        request.POST or None,
        instance=call,
        jurisdiction=call.jurisdiction,
        initial={"key_industries": call.key_industries.all()},
    )
    if request.method == "POST" and form.is_valid() and _save_call(request, form, call):
        messages.success(request, _("Call saved."))
        return redirect("calls:detail", pk=call.pk)
    return render(request, "calls/call_form.html", {"form": form, "call": call})


CALL_ACTIONS = {"publish": services.call_publish, "close": services.call_close}


@login_required
def call_transition(request, pk, action):
    """Publishing and closing cannot be undone: GET shows what the step does, and only the
    confirmation page's POST (carrying `confirmed`) takes it."""
    call = _visible_call(request, pk)
    service = CALL_ACTIONS.get(action)
    if service is None:
        raise Http404
    if request.method == "POST" and request.POST.get("confirmed"):
        try:
            service(user=request.user, call=call)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The call is published.") if action == "publish" else _("The call is closed."),
            )
        return redirect("calls:detail", pk=call.pk)
    if not services.call_manageable_by(user=request.user, call=call):
        raise PermissionDenied
    publishing = action == "publish"
    return render(
        request,
        "_confirm_step.html",
        {
            "heading": _("Publish the call?") if publishing else _("Close the call?"),
            "subject": call.title,
            "consequence": services.call_transition_consequence(call=call, action=action),
            "action": reverse("calls:transition", args=[call.pk, action]),
            "confirm_label": _("Publish") if publishing else _("Close the call now"),
            "cancel_url": reverse("calls:detail", args=[call.pk]),
            "danger": not publishing,
        },
    )


#: the public list's sortable columns (the newest published first)
PUBLIC_SORTS = {
    "published": "published_at",
    "title": "title",
    "jurisdiction": "jurisdiction__code",
    "year": "year",
    "closes": "closes_at",
}


def public_call_list(request):
    from apps.determination.selectors import public_arrangements

    calls = selectors.public_calls()
    listing = list_page(
        request,
        calls,
        search=("title", "jurisdiction__name"),
        sorts=PUBLIC_SORTS,
        default_sort="-published",
        city_field="jurisdiction__code",
    )
    return render(
        request,
        "calls/public_list.html",
        {
            "listing": listing,
            "cities": selectors.public_call_jurisdictions(),
            "arrangements": public_arrangements(),
        },
    )


def public_call_detail(request, pk):
    from apps.determination.selectors import public_arrangements

    call = get_object_or_404(selectors.public_calls(), pk=pk)
    arrangements = public_arrangements(province=call.jurisdiction.root, year=call.year)
    return render(request, "calls/public_detail.html", {"call": call, "arrangements": arrangements})
