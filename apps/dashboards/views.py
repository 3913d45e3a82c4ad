"""The home page (and the dashboards to come): each reads its figures from `selectors`."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import home_summary


@login_required
def home(request):
    return render(request, "dashboards/home.html", home_summary(user=request.user))
