"""The one hook that feeds the webhooks' outbox: each published version and each
question asked or answered queues its events in the transaction that writes it,
whichever service, command or admin action wrote it."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from docs_registry.models import Question, Version

from .models import EventKind
from .services.webhooks import events_record


def _url(path: str) -> str:
    return settings.SAMEPAGE_BASE_URL.rstrip("/") + path


@receiver(post_save, sender=Version, dispatch_uid="integrations_version_events")
def _version_published(sender, instance: Version, created: bool, raw=False, **kwargs):
    if not created or raw or not instance.is_major:
        return
    document = instance.document
    events_record(
        kind=EventKind.MAJOR_CHANGE,
        subject=f"version:{instance.pk}",
        category_id=document.category_id,
        teams=document.teams,
        payload={
            "text": f"{document.doc_id} v{instance.number} {instance.title}: "
            f"{instance.summary}",
            "url": _url(instance.get_absolute_url()),
            "doc_id": document.doc_id,
            "title": instance.title,
            "version": instance.number,
            "summary": instance.summary,
            "significance": instance.significance,
            "published_at": instance.published_at.isoformat(),
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
