from django.contrib import admin

from . import permissions


class SamepageAdminSite(admin.AdminSite):
    site_header = "Samepage administration"
    site_title = "Samepage"

    def has_permission(self, request):
        # Managers use the admin without being given Django permissions one by one.
        return permissions.is_manager(request.user)
