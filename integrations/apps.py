from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Email and webhooks"

    def ready(self):
        from . import signals  # noqa: F401 -- writes webhook events with each change
