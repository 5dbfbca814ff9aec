"""The one hook that feeds the webhooks' outbox: each published version (a major
change, or one announced to apply later), question
asked or answered, customer exception approved and goal reading queues its events
in the transaction that writes it, whichever service, command or admin action
wrote it."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from docs_registry.models import Question, Version
from docs_registry.params import day_label
from field.models import CustomerException
from teamwork.models import GoalReading

from .models import EventKind
from .services.webhooks import events_record


def _url(path: str) -> str:
    return settings.SAMEPAGE_BASE_URL.rstrip("/") + path


@receiver(post_save, sender=Version, dispatch_uid="integrations_version_events")
def _version_published(sender, instance: Version, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    announced = instance.effective_at is not None
    if not (announced or instance.is_major):
        return
    document = instance.document
    effective = f", effective {day_label(instance.effective_at)}" if announced else ""
    events_record(
        kind=EventKind.CHANGE_ANNOUNCED if announced else EventKind.MAJOR_CHANGE,
        subject=f"version:{instance.pk}",
        category_id=document.category_id,
        teams=document.teams,
        payload={
            "text": f"{document.doc_id} v{instance.number} {instance.title}"
            f"{effective}: {instance.summary}",
            "url": _url(instance.get_absolute_url()),
            "doc_id": document.doc_id,
            "title": instance.title,
            "version": instance.number,
            "summary": instance.summary,
            "significance": instance.significance,
            "published_at": instance.published_at.isoformat(),
            "effective_at": announced and instance.effective_at.isoformat() or None,
            "teams": list(document.teams),
        },
    )


@receiver(post_save, sender=Question, dispatch_uid="integrations_question_events")
def _question_changed(sender, instance: Question, created: bool, raw=False, **kwargs):
    if raw:
        return
    if created:
        kind, subject = EventKind.QUESTION_ASKED, f"question:{instance.pk}"
        text = f"Question on {instance.document.doc_id}: {instance.text}"
    elif instance.status == Question.Status.ANSWERED and instance.answered_at:
        kind = EventKind.QUESTION_ANSWERED
        subject = f"question:{instance.pk}:{instance.answered_at.isoformat()}"
        text = f"Answered on {instance.document.doc_id}: {instance.answer}"
    else:
        return
    document = instance.document
    events_record(
        kind=kind,
        subject=subject[:100],
        category_id=document.category_id,
        teams=document.teams,
        payload={
            "text": text[:1000],
            "url": _url(document.get_absolute_url()) + f"#question-{instance.pk}",
            "doc_id": document.doc_id,
            "title": document.title,
            "question": instance.text,
            "answer": instance.answer,
        },
    )


@receiver(
    post_save, sender=CustomerException, dispatch_uid="integrations_exception_events"
)
def _exception_decided(
    sender, instance: CustomerException, raw=False, **kwargs
) -> None:
    # Each save after approval (a revocation) is another state: only approval
    # speaks, once (the subject is queued once per webhook).
    if raw or instance.state != CustomerException.State.APPROVED:
        return
    document = instance.document
    events_record(
        kind=EventKind.EXCEPTION_APPROVED,
        subject=f"exception:{instance.pk}:approved",
        category_id=document.category_id,
        teams=document.teams,
        payload={
            "text": f"Exception for {instance.customer} to {instance.citation}: "
            f"{instance.granted} ({instance.valid_from:%d %b %Y} – "
            f"{instance.valid_until:%d %b %Y})",
            "url": _url(instance.get_absolute_url()),
            "customer": instance.customer,
            "account": instance.account,
            "granted": instance.granted,
            "doc_id": document.doc_id,
            "version": instance.version_number,
            "valid_from": instance.valid_from.isoformat(),
            "valid_until": instance.valid_until.isoformat(),
        },
    )


@receiver(post_save, sender=GoalReading, dispatch_uid="integrations_goal_events")
def _goal_reading(sender, instance: GoalReading, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    goal = instance.goal
    # Both teams see both teams' goals; a goal belongs to no category, so only
    # webhooks not narrowed to categories hear of it.
    events_record(
        kind=EventKind.GOAL_READING,
        subject=f"goal-reading:{instance.pk}",
        category_id=None,
        teams=("sales", "support"),
        payload={
            "text": f"{goal.statement}: {instance} (target {goal.target})",
            "url": _url(goal.get_absolute_url()),
            "goal": goal.statement,
            "team": goal.team,
            "value": str(instance.value),
            "target": str(goal.target),
            "taken_on": instance.taken_on.isoformat(),
        },
    )
