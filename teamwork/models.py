"""Teamwork tables: each team's goals and their readings. Rules about how rows
change live in services.py."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from docs_registry.handoff_blocks import DIRECTIONS
from docs_registry.models import Team, User, Version

STATEMENT_MAX_LENGTH = 300
HELP_LINE_MAX_LENGTH = 300
NUMBER_DIGITS, NUMBER_PLACES = 12, 2


class Direction(models.TextChoices):
    AT_LEAST = "at_least", "at least (≥)"
    AT_MOST = "at_most", "at most (≤)"


class Goal(models.Model):
    """A team's target for a period. Never deleted: closed with a reason. Its
    metadata changes (target, owner, help line, closing) are kept by simple-history
    with who and why."""

    team = models.CharField(max_length=10, choices=Team.choices)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="goals")
    statement = models.CharField(max_length=STATEMENT_MAX_LENGTH)
    measure = models.CharField(
        max_length=120, help_text="What is counted, e.g. “new accounts closed”."
    )
    unit = models.CharField(max_length=30, help_text="e.g. “accounts”, “min”.")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    target = models.DecimalField(max_digits=NUMBER_DIGITS, decimal_places=NUMBER_PLACES)
    # Where the straight line of expected progress starts on the first day.
    baseline = models.DecimalField(
        max_digits=NUMBER_DIGITS,
        decimal_places=NUMBER_PLACES,
        default=Decimal(0),
        help_text="The value on the first day (0 for a count that starts afresh).",
    )
    period_start = models.DateField()
    period_end = models.DateField()
    help_line = models.CharField(
        "how the other team can help",
        max_length=HELP_LINE_MAX_LENGTH,
        blank=True,
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    close_reason = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_start", "team", "pk"]
        indexes = [models.Index(fields=["period_end", "period_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="goal_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(team__in=Team.values), name="goal_team_known"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values),
                name="goal_direction_known",
            ),
        ]

    def __str__(self) -> str:
        return self.statement

    def get_absolute_url(self) -> str:
        return reverse("teamwork:goal", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def target_text(self) -> str:
        sign = "≥" if self.direction == Direction.AT_LEAST else "≤"
        return f"{sign} {number_text(self.target)} {self.unit}"


class GoalReading(models.Model):
    """A dated value of a goal's measure, as its owner recorded it. Append-only:
    never updated, never deleted (a correction is a newer reading)."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="readings")
    value = models.DecimalField(max_digits=NUMBER_DIGITS, decimal_places=NUMBER_PLACES)
    taken_on = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["goal", "taken_on", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{number_text(self.value)} on {self.taken_on:%d %b %Y}"


def number_text(value: Decimal) -> str:
    """12.50 → "12.5", 10.00 → "10": as people write numbers."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class HandoffRule(models.Model):
    """A hand-off rule as published in a version of a document (a ```handoff
    block). Written once when the version is published, like the version itself:
    never updated, never deleted. The rules of a document's current version are
    the rules in force."""

    version = models.ForeignKey(
        Version, on_delete=models.PROTECT, related_name="handoff_rules"
    )
    position = models.PositiveSmallIntegerField()  # order in the document
    line = models.PositiveIntegerField()  # of its opening fence
    direction = models.CharField(
        max_length=20, choices=[(k, v) for k, v in DIRECTIONS.items()]
    )
    when = models.TextField()
    do = models.TextField()
    say = models.TextField(blank=True)
    to = models.TextField()
    within = models.TextField(blank=True)
    # The first version of the document since which this rule reads exactly so:
    # a reader who acknowledged an earlier one has not read it yet.
    since_number = models.PositiveIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="handoff_rule_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.when}"

    @property
    def wording(self) -> tuple[str, ...]:
        return (self.direction, self.when, self.do, self.say, self.to, self.within)


class Meeting(models.Model):
    """The monthly meeting of both teams: one per month, with a liaison per team
    (set by managers; changes kept by simple-history)."""

    month = models.DateField(unique=True, help_text="The first day of the month.")
    sales_liaison = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    support_liaison = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1), name="meeting_month_first_day"
            )
        ]

    def __str__(self) -> str:
        return f"Meeting of {self.month:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("teamwork:meeting", args=[f"{self.month:%Y-%m}"])

    def liaison_ids(self) -> set[int]:
        return {self.sales_liaison_id, self.support_liaison_id} - {None}


class MeetingNote(models.Model):
    """An agenda item or a decision, written by a liaison. Append-only: never
    updated, never deleted."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda item"
        DECISION = "decision", "Decision"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "written_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["agenda", "decision"]),
                name="meeting_note_kind_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"
