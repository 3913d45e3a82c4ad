from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for the README's run command and the tests that check it. No app under
    `apps/` imports it: the demo drives the platform through its services, like a user."""

    name = "demo"
    label = "demo"
    verbose_name = "Demo data"
