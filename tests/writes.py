"""Every kind of write the product makes, chosen at random: tests of what is kept
in step with the writes (pending.py, coverage_counts.py) run a random sequence of
them and compare what is kept with what working it out afresh gives.

Each write takes (rng, documents, people); people and documents are lists that a
write may add to."""

import random
from collections.abc import Callable
from datetime import timedelta

import time_machine
from django.utils import timezone

from docs_registry import permissions, services
from docs_registry.models import Audience, User
from tests.factories import make_document, make_user, publish


def publish_a_version(rng, documents, people):
    document = rng.choice(documents)
    document.refresh_from_db()
    if document.is_retired:
        return
    significance = rng.choice(["major", "minor"])
    publish(document, body=f"Body {rng.random()}", significance=significance)


def acknowledge_a_version(rng, documents, people):
    person, document = rng.choice(people), rng.choice(documents)
    document.refresh_from_db()
    person.refresh_from_db()
    if document.is_retired or not permissions.can_acknowledge(person, document):
        return
    number = rng.randint(1, document.current_version.number)
    services.acknowledgment_record(user=person, document=document, number=number)


def open_a_current_version(rng, documents, people):
    person, document = rng.choice(people), rng.choice(documents)
    document.refresh_from_db()
    services.version_shown_record(
        user=person, document=document, number=document.current_version.number
    )


def mark_all_seen(rng, documents, people):
    services.digest_mark_seen(user=rng.choice(people), at=timezone.now())


def change_teams(rng, documents, people):
    person = rng.choice(people)
    person.refresh_from_db()
    person.in_sales, person.in_support = rng.choice(
        [(True, False), (False, True), (True, True), (False, False)]
    )
    person.save()


def change_audience(rng, documents, people):
    document = rng.choice(documents)
    document.refresh_from_db()
    audience = rng.choice([a for a in Audience.values if a != document.audience])
    services.document_update_details(
        document=document,
        actor=User.objects.get(username="manager"),
        title=document.title,
        category=document.category,
        audience=audience,
    )


def retire_a_document(rng, documents, people):
    document = rng.choice(documents)
    document.refresh_from_db()
    if not document.is_retired and rng.random() < 0.3:
        services.document_retire(
            document=document,
            actor=User.objects.get(username="manager"),
            reason="Replaced",
        )


def leave_or_return(rng, documents, people):
    """Someone leaves (deactivated), or someone who left comes back."""
    person = rng.choice(people)
    person.refresh_from_db()
    person.is_active = not person.is_active
    person.save()


def hire_a_person(rng, documents, people):
    people.append(
        make_user(f"hire-{len(people)}", in_sales=True, in_support=rng.random() < 0.5)
    )


WRITES = [
    publish_a_version,
    publish_a_version,
    acknowledge_a_version,
    acknowledge_a_version,
    open_a_current_version,
    mark_all_seen,
    change_teams,
    change_audience,
    retire_a_document,
    leave_or_return,
    hire_a_person,
]


def random_writes(seed: int, *, owner, manager, category, check: Callable[[], None]):
    """40 writes chosen at random (the same ones for the same seed), on four
    documents (one for each team, two for both) and people on either team or
    both, with `check` run after each."""
    rng = random.Random(seed)
    people = [
        make_user("sales-a", in_sales=True),
        make_user("support-a", in_support=True),
        make_user("both-a", in_sales=True, in_support=True),
    ]
    documents = [
        make_document(owner=owner, manager=manager, category=category, audience=a)
        for a in (Audience.SALES, Audience.SUPPORT, Audience.BOTH, Audience.BOTH)
    ]
    moment = timezone.now()
    for _ in range(40):
        # Every write a minute apart: dismissals compare publication times.
        moment += timedelta(minutes=1)
        with time_machine.travel(moment, tick=False):
            rng.choice(WRITES)(rng, documents, people)
        check()
