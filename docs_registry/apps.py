from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DocsRegistryConfig(AppConfig):
    name = "docs_registry"
    verbose_name = "Document registry"


class SamepageAdminConfig(admin_apps.AdminConfig):
    # Not the default config of this app: settings name it for the admin app.
    default = False
    default_site = "docs_registry.admin_site.SamepageAdminSite"
