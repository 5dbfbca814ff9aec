"""What both teams' digests tell of goals and meetings since a moment: goals set,
targets changed, readings on a period's last day, and meeting decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import DateTimeField, F, Q
from django.utils import timezone

from docs_registry.models import User
from docs_registry.prepared import Asked, Param, PreparedQuery, rows_of_each

from .models import Goal, GoalReading, MeetingNote

SHOWN = 20
# A digest never seen before reaches this far back.
FIRST_DIGEST_DAYS = 30


@dataclass(frozen=True)
class TeamNews:
    goals: list  # Goal history records: set, or target changed
    final_readings: list[GoalReading]
    decisions: list[MeetingNote]

    def __bool__(self) -> bool:
        return bool(self.goals or self.final_readings or self.decisions)


# Prepared (docs_registry/prepared.py): each digest worked out afresh asks all three
# (in one statement first, whether each has anything: prepared.rows_of_each).
# People are joined by their names alone (User.fields_not_shown).
_GOALS_SET = PreparedQuery(
    lambda: (
        Goal.history.filter(history_date__gt=Param("since", DateTimeField()))
        .filter(Q(history_type="+") | Q(history_change_reason__startswith="Target "))
        .select_related("history_user", "owner")
        .defer(*User.fields_not_shown("history_user"), *User.fields_not_shown("owner"))
        .order_by("-history_date", "-history_id")[:SHOWN]
    )
)
_FINAL_READINGS = PreparedQuery(
    lambda: (
        GoalReading.objects.filter(
            recorded_at__gt=Param("since", DateTimeField()),
            taken_on=F("goal__period_end"),
        )
        .select_related("goal", "recorded_by")
        .defer(*User.fields_not_shown("recorded_by"))
        .order_by("-recorded_at", "-pk")[:SHOWN]
    )
)
_DECISIONS = PreparedQuery(
    lambda: (
        MeetingNote.objects.filter(
            written_at__gt=Param("since", DateTimeField()),
            kind=MeetingNote.Kind.DECISION,
        )
        .select_related("meeting", "written_by")
        .defer(*User.fields_not_shown("written_by"))
        .order_by("-written_at", "-pk")[:SHOWN]
    )
)


def team_news(since: datetime | None) -> TeamNews:
    asked = team_news_asked(since)
    return team_news_of(asked, rows_of_each(asked))


def team_news_asked(since: datetime | None) -> list[Asked]:
    """The queries of `team_news`, to ask with others (prepared.rows_of_each)."""
    since = since or timezone.now() - timedelta(days=FIRST_DIGEST_DAYS)
    return [
        Asked(query, {"since": since})
        for query in (_GOALS_SET, _FINAL_READINGS, _DECISIONS)
    ]


def team_news_of(asked: list[Asked], rows: list[list[tuple]]) -> TeamNews:
    """The news from the rows of `team_news_asked`'s queries."""
    return TeamNews(
        *(each.objects(found) for each, found in zip(asked, rows, strict=True))
    )
