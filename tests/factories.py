"""Plain `make_*` helpers. Documents and versions are made through the services
themselves, so tests exercise the same rules as the product."""

from contextlib import contextmanager
from datetime import timedelta

import time_machine
from django.utils import timezone

from docs_registry import services
from docs_registry.models import Audience, Category, User


def make_user(username: str, **fields) -> User:
    fields.setdefault("first_name", username.replace("-", " ").title())
    fields.setdefault("email", f"{username}@example.com")
    user = User(username=username, **fields)
    user.set_password("pw")
    user.save()
    return user


def make_category(*, name: str = "Pricing", prefix: str = "PRC") -> Category:
    return Category.objects.create(name=name, prefix=prefix)


def make_document(
    *,
    owner: User,
    manager: User,
    category: Category | None = None,
    title: str = "Discount approval rules",
    audience: str = Audience.BOTH,
    body: str = "Up to **10%** needs no approval.",
):
    return services.document_create(
        actor=manager,
        category=category or Category.objects.first() or make_category(),
        title=title,
        audience=audience,
        owner=owner,
        body=body,
    )


def publish(
    document,
    *,
    body: str,
    summary: str = "Changed",
    title: str | None = None,
    significance: str = "major",
    effective_at=None,
):
    document.refresh_from_db()
    return services.document_publish(
        document=document,
        actor=document.owner,
        title=title or document.title,
        body=body,
        summary=summary,
        significance=significance,
        base_number=document.newest_version.number,
        effective_at=effective_at,
    )


@contextmanager
def days_ago(days: int):
    """What is done inside happens `days` ago. The permanent record (versions,
    history) cannot be back-dated afterwards, so set-up travels in time instead."""
    moment = timezone.now() - timedelta(days=days)
    with time_machine.travel(moment, tick=False):
        yield
