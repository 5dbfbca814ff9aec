from django.apps import AppConfig


class TeamworkConfig(AppConfig):
    name = "teamwork"
    verbose_name = "Teamwork: goals, hand-offs and meetings"

    def ready(self):
        from . import (  # noqa: F401
            api,  # adds /api/goals/ to the JSON API
            signals,  # append-only rows move the revision counter
        )
