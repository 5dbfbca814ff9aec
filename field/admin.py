"""Exceptions, field reports and their sightings in the admin: to look, never to
write. Proposals, decisions and reports go through the pages (services.py), which
keep the rules and the history of every step."""

from django.contrib import admin

from docs_registry.admin import HistoryWithoutRevert, ManagerAccess, ReadOnly

from .models import CustomerException, FieldReport, Sighting


@admin.register(CustomerException)
class CustomerExceptionAdmin(ReadOnly, ManagerAccess, HistoryWithoutRevert):
    list_display = ["customer", "account", "granted", "document", "state"]
    list_display += ["valid_from", "valid_until"]
    list_filter = ["state"]
    list_select_related = ["document"]
    search_fields = ["customer", "account"]


@admin.register(FieldReport)
class FieldReportAdmin(ReadOnly, ManagerAccess, HistoryWithoutRevert):
    list_display = ["kind", "text", "customer", "area", "reporter", "reported_at"]
    list_display += ["status"]
    list_filter = ["kind", "status"]
    list_select_related = ["reporter"]
    search_fields = ["text", "customer", "area"]


@admin.register(Sighting)
class SightingAdmin(ReadOnly, ManagerAccess, admin.ModelAdmin):
    list_display = ["report", "seen_by", "seen_at"]
    list_select_related = ["report", "seen_by"]
