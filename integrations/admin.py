"""Email preferences, delivery attempts and webhooks in the admin: to look, never
to write. Managers register webhooks on their own page (the secret is shown once
there), and people choose their email on their profile."""

from django.contrib import admin
from django.db import models

from docs_registry.admin import HistoryWithoutRevert, ManagerAccess, ReadOnly

from .models import (
    EmailAttempt,
    EmailPreference,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)


@admin.register(EmailPreference)
class EmailPreferenceAdmin(ReadOnly, ManagerAccess, HistoryWithoutRevert):
    list_display = ["user", "frequency", "weekday"]
    list_filter = ["frequency"]
    list_select_related = ["user"]


@admin.register(EmailAttempt)
class EmailAttemptAdmin(ReadOnly, ManagerAccess, admin.ModelAdmin):
    list_display = ["user", "attempted_at", "accepted", "smtp_code", "error"]
    list_filter = ["accepted"]
    list_select_related = ["user"]


@admin.register(Webhook)
class WebhookAdmin(ReadOnly, ManagerAccess, HistoryWithoutRevert):
    list_display = ["name", "url", "format", "is_active", "created_by"]
    list_select_related = ["created_by"]
    exclude = ["secret_nonce"]  # what its signing secret is derived from
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnly, ManagerAccess, admin.ModelAdmin):
    list_display = ["webhook", "kind", "subject", "status", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["webhook"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly, ManagerAccess, admin.ModelAdmin):
    list_display = ["event", "attempted_at", "succeeded", "status_code", "error"]
    list_select_related = ["event__webhook"]
