from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from apps.operations.tasks import heartbeat_enqueue


class Command(DbWorkerCommand):
    help = (
        "The task worker (django-tasks-db's db_worker, same options) with its heartbeat: "
        "queues the first heartbeat task, which then queues itself every "
        "WIPP_WORKER_HEARTBEAT_SECONDS; /healthz reads the time of the last one."
    )

    def handle(self, *args, **options):
        heartbeat_enqueue(delay_seconds=0)
        return super().handle(*args, **options)
