from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "field"
    verbose_name = "From the field"

    def ready(self):
        from . import signals  # noqa: F401 -- moves the revision counter
