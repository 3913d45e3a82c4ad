from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from apps.audit.plain import object_timeline
from apps.findings.selectors import outstanding_for_project

from . import selectors
from .models import Project, ProjectStage, ProjectType


@login_required
def project_list(request):
    filters = {
        k: request.GET.get(k, "") for k in ("jurisdiction", "year", "project_type", "stage", "q")
    }
    page = Paginator(selectors.project_list(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
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
