"""Daily, before `deadline_sweep`: opens the monthly-report deadlines (HB §14) of every project
being implemented that are not open yet — months whose due date needed a holiday schedule that
has since been entered, or an agreement whose service period was extended."""

from django.core.management.base import BaseCommand

from apps.core.context import ActorContext, acting_as
from apps.implementation.services import monthly_deadlines_ensure_quietly
from apps.projects.models import Project, ProjectStage


class Command(BaseCommand):
    help = "Opens the monthly progress-report deadlines of projects being implemented."

    def handle(self, *args, **options):
        projects = Project.unscoped.filter(stage=ProjectStage.IMPLEMENTATION)
        with acting_as(ActorContext(username="implementation-deadlines", via="task")):
            for project in projects.iterator():
                monthly_deadlines_ensure_quietly(project)
        self.stdout.write(f"{projects.count()} projects checked")
