"""What the monthly meeting's page shows: one read per section, each a single
query (or two), so the page costs the same whatever the month held."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import DateField, DateTimeField, F, IntegerField, Max, Q
from django.utils import timezone

from docs_registry.models import (
    Acknowledgment,
    Audience,
    Question,
    Team,
    User,
    Version,
)
from docs_registry.prepared import (
    JOINED_BY_KEY,
    Param,
    PreparedQuery,
    any_of,
    numbered,
    prepared,
)
from docs_registry.selectors.glossary import glossary_changes
from field.models import FieldReport
from field.selectors import field_reports_during

from .models import HandoffRule, Meeting, MeetingNote
from .months import next_month
from .selectors import TeamGoals, goals_during, month_bounds

SHOWN = 100  # of each list; a month rarely holds more


@dataclass
class TeamCoverage:
    label: str
    changes: int = 0
    complete: int = 0
    # (version, the people of the team who have not acknowledged it yet)
    missing: list[tuple[Version, list[str]]] = field(default_factory=list)


@dataclass
class MeetingPack:
    month: date
    meeting: Meeting | None
    notes: list[MeetingNote]  # agenda items and decisions, oldest first
    changes: list[tuple[str, list[Version]]]  # by category
    glossary: list
    goals: list[TeamGoals]
    asked: list[Question]
    answered: list[Question]
    still_open: list[Question]
    coverage: list[TeamCoverage]
    handoffs: list[HandoffRule]
    field_reports: list[FieldReport]


def _moments(first: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, zone)
    return start, datetime.combine(next_month(first), time.min, zone)


# The month's reads below are prepared (docs_registry/prepared.py): compiling
# them was a third of the page's cost each time it was worked out afresh.
_START, _END = Param("start", DateTimeField()), Param("end", DateTimeField())

# The month's versions are found in the index on when they were published, and
# each joined to its document by the document's key. For any month, a plan made
# once (prepared) counts on 500 versions and would rather hash every document to
# join them: with 10,000 documents that took 10 ms of PostgreSQL's CPU for a
# month with one major change, against 0.5 joined one by one. One by one stays
# the cheaper way up to months of thousands of major changes (a month of 10,000:
# 82 ms against 72, most of it sorting them).
_MAJOR_CHANGES = PreparedQuery(
    lambda: (
        Version.objects.filter(
            significance=Version.Significance.MAJOR,
            published_at__gte=_START,
            published_at__lt=_END,
        )
        .select_related("document__category", "published_by")
        .defer("body", "body_html", "document__retirement_reason")
        .order_by("document__category__name", "document__doc_id", "number")[:SHOWN]
    ),
    setting=JOINED_BY_KEY,
)


def _major_changes(start: datetime, end: datetime) -> list[Version]:
    return _MAJOR_CHANGES.run(start=start, end=end)


def _by_category(versions: list[Version]) -> list[tuple[str, list[Version]]]:
    groups: dict[str, list[Version]] = defaultdict(list)
    for version in versions:
        groups[version.document.category.name].append(version)
    return list(groups.items())


# Prepared once for each number of documents (a month's major changes, at most
# SHOWN): what each person acknowledged of them.
def _newest_readings(count: int):
    return (
        Acknowledgment.objects.filter(
            any_of("document_id", "document", count, IntegerField())
        )
        .values("user_id", "document_id")
        .annotate(number=Max("number"))
        .values_list("user_id", "document_id", "number")
    )


# Hundreds of people: their teams and names as plain values, not models. The
# teams are read only as true or false (`flags`): no converter is called for each.
_TEAM_COLUMNS = {Team.SALES: 1, Team.SUPPORT: 2}
_PEOPLE = PreparedQuery(
    lambda: (
        User.objects.filter(is_active=True)
        .filter(Q(in_sales=True) | Q(in_support=True))
        .order_by("first_name", "username")
        .values_list("pk", "in_sales", "in_support", *User.NAME_FIELDS)
    ),
    rows_as=lambda row: (*row[:3], User.name_from(*row[3:])),
    flags=tuple(_TEAM_COLUMNS.values()),
)


def _coverage(versions: list[Version]) -> list[TeamCoverage]:
    """For each team, the month's major changes addressed to it, and who has not
    acknowledged each (the newest major version of the month per document)."""
    newest: dict[int, Version] = {}
    for version in versions:
        newest[version.document_id] = version
    if not newest:  # nobody to name: the people are not read
        return [TeamCoverage(label) for _, label in Team.choices]
    read = defaultdict(int)
    readings = prepared(_newest_readings, len(newest))
    for user_id, document_id, number in readings.run(**numbered("document", newest)):
        read[user_id, document_id] = number
    people = _PEOPLE.run()
    report = []
    for team, label in Team.choices:
        column = _TEAM_COLUMNS[team]
        members = [(person[0], person[3]) for person in people if person[column]]
        coverage = TeamCoverage(label)
        for version in newest.values():
            if version.document.audience not in (team, Audience.BOTH):
                continue
            missing = [
                name
                for pk, name in members
                if read[pk, version.document_id] < version.number
            ]
            coverage.changes += 1
            coverage.complete += not missing
            if missing:
                coverage.missing.append((version, missing))
        report.append(coverage)
    return report


_QUESTIONS = PreparedQuery(
    lambda: (
        Question.objects.filter(
            Q(asked_at__gte=_START, asked_at__lt=_END)
            | Q(answered_at__gte=_START, answered_at__lt=_END)
        )
        .select_related("document", "asked_by")
        .order_by("asked_at", "pk")[: 3 * SHOWN]
    )
)


def _questions(start: datetime, end: datetime) -> tuple[list, list, list]:
    questions = _QUESTIONS.run(start=start, end=end)
    asked = [q for q in questions if start <= q.asked_at < end]
    answered = [
        q
        for q in questions
        if q.answered_at is not None and start <= q.answered_at < end
    ]
    still_open = [q for q in asked if q.status == Question.Status.OPEN]
    return asked, answered, still_open


_HANDOFF_CHANGES = PreparedQuery(
    lambda: (
        HandoffRule.objects.filter(
            version__published_at__gte=_START,
            version__published_at__lt=_END,
            since_number=F("version__number"),
        )
        .select_related("version__document")
        .defer("version__body", "version__body_html")
        .order_by("version__published_at", "position")[:SHOWN]
    )
)


def _handoff_changes(start: datetime, end: datetime) -> list[HandoffRule]:
    """Rules that first read as they do in a version published this month: new
    or reworded."""
    return _HANDOFF_CHANGES.run(start=start, end=end)


def meeting_pack(first: date) -> MeetingPack:
    start, end = _moments(first)
    versions = _major_changes(start, end)
    asked, answered, still_open = _questions(start, end)
    meeting, notes = meeting_get(first)
    return MeetingPack(
        month=first,
        meeting=meeting,
        notes=notes,
        changes=_by_category(versions),
        glossary=glossary_changes(
            audiences=list(Audience.values),
            since=start - timedelta(microseconds=1),
            until=end - timedelta(microseconds=1),
        ),
        goals=goals_during(*month_bounds(first.year, first.month)),
        asked=asked,
        answered=answered,
        still_open=still_open,
        coverage=_coverage(versions),
        handoffs=_handoff_changes(start, end),
        field_reports=field_reports_during(start, end),
    )


# The month's meeting with its liaisons, and its notes with who wrote them:
# prepared, as the sections above are (through the ORM, the meeting and its notes'
# prefetch took a sixth of the page worked out afresh).
_MEETING = PreparedQuery(
    lambda: Meeting.objects.filter(month=Param("month", DateField())).select_related(
        "sales_liaison", "support_liaison"
    )
)
_NOTES = PreparedQuery(
    lambda: (
        MeetingNote.objects.filter(meeting_id=Param("meeting", IntegerField()))
        .select_related("written_by")
        .order_by("written_at", "pk")
    )
)


def meeting_get(first: date) -> tuple[Meeting | None, list[MeetingNote]]:
    """The month's meeting with its liaisons (None: nobody named yet), and its
    notes, oldest first."""
    found = _MEETING.run(month=first)
    if not found:
        return None, []
    return found[0], _NOTES.run(meeting=found[0].pk)
