from django.apps import AppConfig


class TeamworkConfig(AppConfig):
    name = "teamwork"
    verbose_name = "Teamwork: goals, hand-offs and meetings"

    def ready(self):
        from . import signals  # noqa: F401 -- append-only rows move the revision
