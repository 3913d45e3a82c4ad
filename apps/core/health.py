"""The health checks live in apps.operations.health (database read and write, evidence
storage, the task worker's heartbeat); this name stays for the system administrator's page."""

from apps.operations.health import health_report

__all__ = ["health_report"]
