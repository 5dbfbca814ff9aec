"""Who owns a document, kept as rows (models.DocumentOwner) in the same
transaction as every save of a document.

The browse and search filters list the owners on every page worked out afresh.
Found from the documents, one step of the index on their owner column for each
owner, the 50 owners of 10,000 documents cost PostgreSQL 0.44 ms of a cold
search (a tenth of its database time); read from these rows, 0.09 ms.

A document changes owner only by being saved (created, transferred, edited in
the admin, imported), so `_document_saved` sees every change. Writes that send
no signals (the bench seeder's bulk rows) call `rebuild` afterwards.

Writers take their turn first (revisions.take_writers_turn), as pending.py's
do: two transfers at once could otherwise each miss the document the other is
giving their previous owner, and take that owner off the list. A save through
the services or the admin has mostly waited already (its history record moves
the counters first); this makes it so whatever order the receivers run in.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Document, DocumentOwner
from .revisions import take_writers_turn


@receiver(post_save, sender=Document, dispatch_uid="samepage_document_owner")
def _document_saved(sender, instance: Document, created: bool, **kwargs) -> None:
    owner_saved(instance.owner_id, moved=not created)


def owner_saved(owner_id: int, *, moved: bool = True) -> None:
    """`owner_id` owns a document; if `moved`, whoever owned it before may now
    own none (the previous owner is not known here: anyone listed who owns no
    document leaves, 50 look-ups in the index for 50 owners)."""
    take_writers_turn()
    DocumentOwner.objects.bulk_create(
        [DocumentOwner(user_id=owner_id)], ignore_conflicts=True
    )
    if moved:
        owns_one = Document.objects.filter(owner_id=OuterRef("user_id"))
        DocumentOwner.objects.filter(~Exists(owns_one)).delete()


def rebuild() -> None:
    """List exactly the people who own a document (after writes in bulk)."""
    DocumentOwner.objects.all().delete()
    owners = Document.objects.order_by().values_list("owner_id", flat=True)
    DocumentOwner.objects.bulk_create(
        DocumentOwner(user_id=pk) for pk in owners.distinct()
    )
