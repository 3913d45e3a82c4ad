from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from apps.audit.plain import object_timeline
from apps.core.lists import city_choices, list_page
from apps.findings.selectors import outstanding_for_project

from . import selectors
from .api.views import ProjectFilter
from .models import Project, ProjectStage, ProjectType


@login_required
def project_list(request):
    listing = list_page(
        request,
        Project.objects.for_user(request.user).select_related(
            "jurisdiction", "industry", "applicant"
        ),
        filterset_class=ProjectFilter,
        search=("name", "code", "applicant__name"),
        sorts={
            "code": "code",
            "name": "name",
            "year": "year",
            "type": "project_type",
            "city": "jurisdiction__code",
            "applicant": "applicant__name",
            "stage": "stage",
            "budget": "budget_amount",
        },
        default_sort="-code",
    )
    context = {
        "listing": listing,
        "page": listing.page,
        "cities": city_choices(request.user),
        "stages": ProjectStage.choices,
        "types": ProjectType.choices,
    }
    return render(request, "projects/project_list.html", context)


@login_required
def project_detail(request, pk):
    try:
        project = selectors.project_get(user=request.user, pk=pk)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "project": project,
        # The applicant has its own line; the list shows who joined the project since.
        "participants": project.participants.exclude(role="applicant").select_related(
            "organisation", "person"
        ),
        "evidence_files": selectors.project_evidence(user=request.user, project=project),
        "lifecycle": selectors.project_lifecycle(project),
        "timeline": object_timeline(project),
        "open_findings": outstanding_for_project(user=request.user, project=project),
    }
    return render(request, "projects/project_detail.html", context)
