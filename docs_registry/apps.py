from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DocsRegistryConfig(AppConfig):
    name = "docs_registry"
    verbose_name = "Document registry"

    def ready(self):
        from django.contrib.auth import signals

        from . import (  # noqa: F401 -- connect their hooks
            coverage_counts,  # how many of each team have read each document
            owners,  # who owns a document
            pending,  # what waits for each person
            revisions,  # the revision counters
        )

        # Signing in saves the sign-in time: not a change worth a history record
        # (and each record would move the revision counter, see revisions.py).
        signals.user_logged_in.disconnect(dispatch_uid="update_last_login")
        signals.user_logged_in.connect(
            _update_last_login_quietly, dispatch_uid="samepage_last_login"
        )


def _update_last_login_quietly(sender, user, **kwargs):
    # Django's own receiver saves the user, which simple-history records; an UPDATE
    # of the one column records nothing (and leaves a shared user object alone).
    from django.utils import timezone

    user.last_login = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)


class SamepageAdminConfig(admin_apps.AdminConfig):
    # Not the default config of this app: settings name it for the admin app.
    default = False
    default_site = "docs_registry.admin_site.SamepageAdminSite"
