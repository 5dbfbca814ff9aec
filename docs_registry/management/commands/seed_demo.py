"""`manage.py seed_demo`: demo accounts, categories and documents for local use.

Documents are written through the services, so demo data obeys the same rules as
real data: the manager creates each document (its v1) and its owner publishes the
later versions. Safe to run again: whatever already exists is left untouched.
"""

from collections import Counter
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from docs_registry import demo_data, permissions, services
from docs_registry.models import Category, Document, GlossaryTerm, User, Version
from docs_registry.services.history import save_with_history
from field import demo as field_demo
from integrations import demo as integrations_demo
from teamwork import demo as teamwork_demo

# Every demo account signs in with this password. It is deliberately weak and set
# without the password validators; handle() refuses to run unless DEBUG is on, so
# these accounts never reach production.
DEMO_PASSWORD = "demo"  # noqa: S105 -- a published demo password, DEBUG only


class Command(BaseCommand):
    help = (
        "Create demo accounts (password 'demo'), categories and reference documents. "
        "Only with DEBUG on; running it again changes nothing."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on (DJANGO_DEBUG=1): it creates "
                f"accounts whose password is '{DEMO_PASSWORD}', which must never "
                "exist in production."
            )
        try:
            with transaction.atomic():
                users, accounts_created = seed_accounts()
                categories, categories_created = seed_categories(users["manager"])
                terms_created = seed_glossary(users["manager"])
                documents_created, versions_created = seed_documents(users, categories)
                if documents_created:
                    seed_questions(users)
                integrations_demo.seed(users)
                teamwork_demo.seed(users)
                field_demo.seed(users)
        except (PermissionDenied, services.ServiceError) as error:
            # E.g. an existing "manager" account that is no longer a manager.
            raise CommandError(f"Nothing was seeded: {error}") from error
        if accounts_created or categories_created or documents_created or terms_created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {plural(accounts_created, 'account')}, "
                    f"{plural(categories_created, 'category', 'categories')}, "
                    f"{plural(terms_created, 'glossary term')}, "
                    f"{plural(documents_created, 'document')} "
                    f"({plural(versions_created, 'version')})."
                )
            )
        else:
            self.stdout.write("Demo data already present: nothing to do.")
        self.stdout.write(accounts_table(users))


def plural(count: int, singular: str, plural_form: str = "") -> str:
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def seed_accounts() -> tuple[dict[str, User], int]:
    """Create the demo accounts that are missing. An existing account is left as it
    is, password included."""
    existing = User.objects.in_bulk(
        [spec["username"] for spec in demo_data.ACCOUNTS], field_name="username"
    )
    users = {}
    for spec in demo_data.ACCOUNTS:
        users[spec["username"]] = existing.get(spec["username"]) or create_account(spec)
    return users, len(users) - len(existing)


def create_account(spec: dict) -> User:
    user = User(
        username=spec["username"],
        first_name=spec["first_name"],
        last_name=spec["last_name"],
        email=spec["email"],
        in_sales=spec["in_sales"],
        in_support=spec["in_support"],
        is_manager=spec["is_manager"],
        is_staff=spec["is_staff"],
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def seed_categories(manager: User) -> tuple[dict[str, Category], int]:
    """Create the categories that are missing, matched by prefix."""
    existing = Category.objects.in_bulk(
        [prefix for _, prefix, _ in demo_data.CATEGORIES], field_name="prefix"
    )
    categories = {}
    for name, prefix, description in demo_data.CATEGORIES:
        categories[prefix] = existing.get(prefix) or create_category(
            name=name, prefix=prefix, description=description, actor=manager
        )
    return categories, len(categories) - len(existing)


def create_category(
    *, name: str, prefix: str, description: str, actor: User
) -> Category:
    category = Category(name=name, prefix=prefix, description=description)
    try:
        category.full_clean()
    except ValidationError as error:
        # E.g. a category called "Pricing" already exists under another prefix.
        raise CommandError(f"Cannot create category {prefix}: {error}") from error
    # There is no category service: record who created it as the services do.
    save_with_history(category, actor=actor, reason="Demo data")
    return category


def seed_glossary(manager: User) -> int:
    """Create the glossary terms that are missing, matched by term."""
    existing = {
        term.lower() for term in GlossaryTerm.objects.values_list("term", flat=True)
    }
    created = 0
    for spec in demo_data.GLOSSARY:
        if spec["term"].lower() in existing:
            continue
        services.glossary_term_save(
            actor=manager,
            term=None,
            wording=spec["term"],
            definition=spec["definition"],
            audience=spec["audience"],
            avoid="\n".join(spec["avoid"]),
            owner=None,
            reason="Demo data",
        )
        created += 1
    return created


def seed_documents(
    users: dict[str, User], categories: dict[str, Category]
) -> tuple[int, int]:
    """Create the documents that are missing, with all their versions. A document
    is matched by its ID prefix and the title of its v1, so one renamed or moved to
    another category since is still recognised."""
    existing = {
        (doc_id.rsplit("-", 1)[0], title)
        for doc_id, title in Version.objects.filter(number=1).values_list(
            "document__doc_id", "title"
        )
    }
    documents = versions = 0
    for index, spec in enumerate(demo_data.DOCUMENTS):
        if (spec["category"], spec["title"]) in existing:
            continue
        document = create_document(
            spec,
            manager=users["manager"],
            owner=users[spec["owner"]],
            category=categories[spec["category"]],
        )
        seed_reading(document, readers=[users["sales"], users["support"]], turn=index)
        documents += 1
        versions += document.versions.count()
    return documents, versions


def create_document(
    spec: dict, *, manager: User, owner: User, category: Category
) -> Document:
    document = services.document_create(
        actor=manager,
        category=category,
        title=spec["title"],
        audience=spec["audience"],
        owner=owner,
        body=spec["body"],
    )
    body = spec["body"]
    number = document.current_version.number
    # Each revision in force now; the announced one, last, from next month.
    revisions = [(*revision, None) for revision in spec["revisions"]]
    if "announced" in spec:
        revisions.append((*spec["announced"], first_of_next_month()))
    for summary, significance, edits, effective_at in revisions:
        body = apply_edits(body, edits, where=f"{document.doc_id} v{number + 1}")
        # document_publish moves the current version of its own copy of the row,
        # not of `document`: carry the number forward from what it returns.
        number = services.document_publish(
            document=document,
            actor=owner,
            title=document.title,
            body=body,
            summary=summary,
            significance=significance,
            base_number=number,
            # Some demo documents still use an avoided word, on purpose.
            publish_anyway=True,
            effective_at=effective_at,
        ).number
    return document


def first_of_next_month() -> datetime:
    """Midnight at the start of next month, in the site's time zone."""
    today = timezone.localdate()
    following = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return timezone.make_aware(datetime.combine(following, time.min))


def seed_reading(document: Document, *, readers: list[User], turn: int) -> None:
    """Leave the demo readers with something to see: of every three documents
    addressed to them, one read at its current version, one read at v1 only
    ("changed since you acknowledged v1"), one not read at all."""
    for reader in readers:
        if not permissions.can_acknowledge(reader, document):
            continue
        number = (document.current_version.number, 1, None)[turn % 3]
        if number is not None:
            services.acknowledgment_record(
                user=reader, document=document, number=number
            )


def seed_questions(users: dict[str, User]) -> None:
    """Open and answered questions from the demo readers, asked once: only when the
    documents were created by this run."""
    documents = Document.objects.in_bulk(
        [row[0] for row in demo_data.QUESTIONS], field_name="doc_id"
    )
    for doc_id, asker, kind, text, quote, answer, answered_in in demo_data.QUESTIONS:
        document = documents.get(doc_id)
        if document is None:
            continue
        question = services.question_ask(
            document=document, actor=users[asker], kind=kind, text=text, quote=quote
        )
        if answer:
            services.question_answer(
                question=question,
                actor=document.owner,
                answer=answer,
                answered_in=answered_in,
            )


def apply_edits(body: str, edits: tuple[tuple[str, str], ...], *, where: str) -> str:
    """Apply (old, new) replacements in order. Each `old` must occur exactly once,
    so an edit that no longer matches its document stops the seed."""
    for old, new in edits:
        found = body.count(old)
        if found != 1:
            raise CommandError(
                f"Demo data for {where}: the text to replace must occur exactly "
                f"once in the previous version, found {found} times: {old!r}"
            )
        body = body.replace(old, new)
    return body


def accounts_table(users: dict[str, User]) -> str:
    owned = Counter(
        Document.objects.filter(status=Document.Status.ACTIVE).values_list(
            "owner__username", flat=True
        )
    )
    rows = [("Username", "Name", "Role", "Teams", "Owns", "Password")]
    for spec in demo_data.ACCOUNTS:
        user = users[spec["username"]]
        role = spec["job_title"] + (" (manager)" if user.is_manager else "")
        teams = " and ".join(user.teams) or "none"
        documents = plural(owned[user.username], "document")
        rows.append(
            (user.username, user.display_name, role, teams, documents, DEMO_PASSWORD)
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["", "Demo accounts (all created with the password 'demo'):"]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)
