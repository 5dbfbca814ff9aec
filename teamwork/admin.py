"""Goals, readings, hand-off rules and meetings in the admin: to look, never to
write. Writes go through the pages (services.py), which keep the rules; readings,
rules and meeting notes are append-only."""

from django.contrib import admin

from docs_registry.admin import HistoryWithoutRevert, ManagerAccess, ReadOnly

from .models import Goal, GoalReading, HandoffRule, Meeting, MeetingNote


@admin.register(Goal)
class GoalAdmin(ReadOnly, ManagerAccess, HistoryWithoutRevert):
    list_display = ["statement", "team", "owner", "period_start", "period_end"]
    list_filter = ["team"]
    list_select_related = ["owner"]


@admin.register(GoalReading)
class GoalReadingAdmin(ReadOnly, ManagerAccess, admin.ModelAdmin):
    list_display = ["goal", "taken_on", "value", "recorded_by", "recorded_at"]
    list_select_related = ["goal", "recorded_by"]


@admin.register(HandoffRule)
class HandoffRuleAdmin(ReadOnly, ManagerAccess, admin.ModelAdmin):
    list_display = ["when", "direction", "version", "since_number"]
    list_select_related = ["version__document"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnly, ManagerAccess, HistoryWithoutRevert):
    list_display = ["month", "sales_liaison", "support_liaison"]


@admin.register(MeetingNote)
class MeetingNoteAdmin(ReadOnly, ManagerAccess, admin.ModelAdmin):
    list_display = ["meeting", "kind", "written_by", "written_at"]
    list_select_related = ["meeting", "written_by"]
