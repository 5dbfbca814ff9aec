"""The Django admin, for managers and superusers.

Documents are changed through the product's own pages (which call services.py), so
the admin shows them read-only with their history; published versions can be
looked at but never changed or deleted.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from . import permissions
from .models import Category, Document, User, Version


class ManagerAccess:
    """Managers see and change what the admin offers; superusers anything."""

    def has_module_permission(self, request):
        return permissions.is_manager(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_manager(request.user)

    def has_add_permission(self, request, obj=None):
        return permissions.is_manager(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_manager(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class HistoryWithoutRevert(SimpleHistoryAdmin):
    """simple-history's revert setting only hides the button: its history form still
    saves a POST. Refuse it, so an old record can be read but never restored."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Reverting to an old record is disabled.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(ManagerAccess, HistoryWithoutRevert):
    list_display = ("name", "prefix", "last_number", "description")
    search_fields = ("name", "prefix")

    def get_readonly_fields(self, request, obj=None):
        # Issued IDs carry the prefix: it is fixed once the category exists.
        return ("prefix",) if obj is not None else ()


class VersionInline(ReadOnly, admin.TabularInline):
    model = Version
    fields = (
        "number",
        "title",
        "summary",
        "significance",
        "published_by",
        "published_at",
        "effective_at",
    )
    readonly_fields = fields
    ordering = ("-number",)
    show_change_link = True
    extra = 0


@admin.register(Document)
class DocumentAdmin(ReadOnly, ManagerAccess, HistoryWithoutRevert):
    list_display = ("doc_id", "title", "category", "audience", "owner", "status")
    list_filter = ("status", "audience", "category", "owner__is_active")
    list_select_related = ("category", "owner")
    search_fields = ("doc_id", "title")
    readonly_fields = ("manage_links",)
    inlines = (VersionInline,)

    @admin.display(description="Change it")
    def manage_links(self, obj):
        return format_html(
            '<a href="{}">transfer ownership</a> · <a href="{}">retire</a> · '
            '<a href="{}">change details</a>',
            reverse("docs_registry:transfer", args=[obj.doc_id]),
            reverse("docs_registry:retire", args=[obj.doc_id]),
            reverse("docs_registry:details", args=[obj.doc_id]),
        )


@admin.register(Version)
class VersionAdmin(ReadOnly, ManagerAccess, admin.ModelAdmin):
    list_display = (
        "__str__",
        "title",
        "significance",
        "published_by",
        "published_at",
        "effective_at",
    )
    list_filter = ("significance",)
    list_select_related = ("document", "published_by")
    search_fields = ("document__doc_id", "title", "summary")
    readonly_fields = ("effective_at", "content_hash", "chain_hash")


@admin.register(User)
class TeamUserAdmin(ManagerAccess, UserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "in_sales",
        "in_support",
        "is_manager",
        "is_active",
    )
    list_filter = ("in_sales", "in_support", "is_manager", "is_active")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Teams and role", {"fields": ("in_sales", "in_support", "is_manager")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Teams and role", {"fields": ("in_sales", "in_support", "is_manager")}),
    )

    def has_view_permission(self, request, obj=None):
        # The change page is the way to the password form: a person a manager may
        # not administer is listed, but their page is not theirs to open.
        return super().has_view_permission(request, obj) and self._administers(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        # Also guards UserAdmin's password form, which asks this with the person.
        return super().has_change_permission(request, obj) and self._administers(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted: they are named in the history.
        return False

    def response_add(self, request, obj, post_url_continue=None):
        # A manager who adds a manager may not open that person's page: the list.
        if not self.has_change_permission(request, obj):
            messages.success(request, f"{obj.username} was added.")
            return self.response_post_save_add(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _administers(self, request, obj) -> bool:
        return obj is None or permissions.can_administer_person(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        # A manager must not be able to grant themselves more than a manager has.
        return ("is_superuser", "groups", "user_permissions")
