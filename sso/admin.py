from django.contrib import admin

from .models import ProviderIdentity


@admin.register(ProviderIdentity)
class ProviderIdentityAdmin(admin.ModelAdmin):
    """Who is linked to which subject at the provider. Deleting a link lets the
    person be linked again, by verified email, at their next sign-in."""

    list_display = ["user", "subject", "issuer", "linked_at"]
    search_fields = ["user__username", "user__email", "subject"]
    list_select_related = ["user"]
    readonly_fields = ["user", "issuer", "subject", "linked_at"]

    def has_add_permission(self, request) -> bool:
        return False
