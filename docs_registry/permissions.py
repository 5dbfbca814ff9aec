"""Who may do what: pure functions, asked by views (to show or refuse) and again
by services (so the admin, commands and any future API obey the same rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from .models import Document, User


def is_manager(user: User) -> bool:
    return bool(user.is_active and (user.is_manager or user.is_superuser))


def can_administer_person(actor: User, person: User) -> bool:
    """Change, set the password of, deactivate or delete a person's account.

    Superusers: anyone. Managers: themselves and people who are neither managers
    nor superusers — an account with as much power as their own, or more, is never
    theirs to take over."""
    if not (actor.is_authenticated and actor.is_active):
        return False
    if actor.is_superuser:
        return True
    if not is_manager(actor):
        return False
    if person.pk == actor.pk:
        return True
    return not (person.is_superuser or person.is_manager)


def can_clear_lockouts(user: User) -> bool:
    """See which accounts are locked after failed sign-ins, and clear them."""
    return is_manager(user)


def can_read(user: User, document: Document) -> bool:
    """Every signed-in member of staff reads every document, archived versions,
    comparisons and history included: one place, the same page for everyone."""
    return bool(user.is_authenticated and user.is_active)


def can_publish(user: User, document: Document) -> bool:
    """Only the document's one owner edits and publishes — not even a manager."""
    return bool(
        user.is_active and document.owner_id == user.pk and not document.is_retired
    )


def can_manage(user: User) -> bool:
    """Create, transfer, retire and change metadata: managers only."""
    return is_manager(user)


def is_in_audience(user: User, document: Document) -> bool:
    return any(getattr(user, f"in_{team}") for team in document.teams)


def can_acknowledge(user: User, document: Document) -> bool:
    """A change is acknowledged by the people it is addressed to."""
    return bool(user.is_active and is_in_audience(user, document))


def require(allowed: bool, message: str = "You are not allowed to do that.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def can_see_coverage(user: User, document: Document) -> bool:
    """Who has read a document: its owner and managers."""
    return document.owner_id == user.pk or is_manager(user)


def can_edit_term(user: User, term) -> bool:
    """Glossary terms: managers, and a term's own owner."""
    return is_manager(user) or (
        term is not None and user.is_active and term.owner_id == user.pk
    )


def can_see_reviews(user: User) -> bool:
    """The report of documents overdue for review: managers."""
    return is_manager(user)


def can_ask(user: User, document: Document) -> bool:
    """Any active signed-in member of staff asks questions on any document."""
    return bool(user.is_authenticated and user.is_active)


def can_answer(user: User, question) -> bool:
    """The document's current owner answers: questions move with ownership."""
    return bool(user.is_active and question.document.owner_id == user.pk)


def can_close_question(user: User, question) -> bool:
    """The owner, the person who asked, and managers."""
    return (
        can_answer(user, question)
        or bool(user.is_active and question.asked_by_id == user.pk)
        or is_manager(user)
    )


def can_manage_integrations(user: User) -> bool:
    """See who gets no digest email and failed deliveries; register webhooks,
    read their deliveries and send one again: managers."""
    return is_manager(user)


def can_manage_goals(user: User) -> bool:
    """Create goals, assign their owners and change their targets: managers."""
    return is_manager(user)


def can_own_goal(user: User, team: str) -> bool:
    """A goal's owner leads it: an active member of its team, or a manager."""
    return bool(user.is_active and (is_manager(user) or getattr(user, f"in_{team}")))


def can_record_reading(user: User, goal) -> bool:
    """Readings of an open goal, and its help line: its owner alone."""
    return bool(user.is_active and goal.owner_id == user.pk and not goal.is_closed)


def can_close_goal(user: User, goal) -> bool:
    """Closing (never deleting) an open goal: its owner or a manager."""
    return not goal.is_closed and (
        is_manager(user) or bool(user.is_active and goal.owner_id == user.pk)
    )


def can_set_liaisons(user: User) -> bool:
    """Name each team's liaison for a monthly meeting: managers."""
    return is_manager(user)


def can_write_meeting_notes(user: User, meeting) -> bool:
    """Agenda items and decisions of a month's meeting: its two liaisons."""
    return bool(
        user.is_active and meeting is not None and user.pk in meeting.liaison_ids()
    )


def can_propose_exception(user: User) -> bool:
    """Anyone on staff (mostly sales) proposes an exception for a customer."""
    return bool(user.is_authenticated and user.is_active)


def can_decide_exception(user: User) -> bool:
    """Approve, decline or revoke a customer exception: managers only."""
    return is_manager(user)


def can_file_field_report(user: User) -> bool:
    """Anyone on staff files a field report, or says they heard it again."""
    return bool(user.is_authenticated and user.is_active)


def can_resolve_field_report(user: User, report) -> bool:
    """Link a field report to the version that answered it, or close it: the owners
    of the documents it concerns, and managers."""
    if is_manager(user):
        return True
    return bool(
        user.is_active
        and any(document.owner_id == user.pk for document in report.documents.all())
    )
