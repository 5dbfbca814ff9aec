"""Role fixtures: the people every test talks about."""

from unittest import mock

import pytest
from django.db import connection

from docs_registry import caching, integrity
from docs_registry.models import Category, User
from docs_registry.search import LEAD_TABLE as SEARCH_LEAD_TABLE
from docs_registry.search import TABLE as SEARCH_TABLE

from .factories import make_category, make_document, make_user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # A rolled-back test may leave rows with the same ids as the next test's: a
    # count cached under them must not leak from one test to another.
    caching.empty()
    yield
    caching.empty()


@pytest.fixture
def manager(db) -> User:
    return make_user("manager", is_manager=True)


@pytest.fixture
def owner(db) -> User:
    return make_user("sales-lead", in_sales=True)


@pytest.fixture
def sales_staff(db) -> User:
    return make_user("sales", in_sales=True)


@pytest.fixture
def support_staff(db) -> User:
    return make_user("support", in_support=True)


@pytest.fixture
def category(db) -> Category:
    return make_category()


@pytest.fixture
def document(owner, manager, category):
    return make_document(owner=owner, manager=manager, category=category)


def _trigger_ddl(ops) -> tuple[list[str], list[str]]:
    """DROP and CREATE statements for the append-only triggers as installed."""
    vendor = ops.connection.vendor
    names = [name for _, name in integrity.append_only_triggers(vendor)]
    with ops.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text, pg_get_triggerdef(oid) "
                "FROM pg_trigger WHERE tgname = ANY(%s)",
                [names],
            )
            found = cursor.fetchall()
            return [f"DROP TRIGGER {n} ON {t}" for n, t, _ in found], [
                ddl for *_, ddl in found
            ]
        cursor.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        )
        found = [row for row in cursor.fetchall() if row[0] in names]
        return [f"DROP TRIGGER {n}" for n, *_ in found], [ddl for *_, ddl in found]


@pytest.fixture(scope="session", autouse=True)
def flush_keeps_the_append_only_triggers():
    """Transactional tests (live_server, threads) end with `flush`, which the
    append-only triggers refuse. In tests, flush lifts them and puts them back in
    its own transaction. It also empties the search index, which is no model's
    table: the product never deletes a document or a glossary term, so search
    counts every indexed row but a retired document's (search.py)."""
    ops_class = type(connection.ops)
    original = ops_class.sql_flush

    def sql_flush(ops, style, tables, **kwargs):
        drop, create = _trigger_ddl(ops)
        flushed = original(ops, style, tables, **kwargs)
        empty_index = [
            f"DELETE FROM {table}"  # noqa: S608 -- our constants
            for table in (SEARCH_TABLE, SEARCH_LEAD_TABLE)
        ]
        return [*drop, *flushed, *empty_index, *create]

    with mock.patch.object(ops_class, "sql_flush", sql_flush):
        yield


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a loopback port, and Django's SMTP backend sending to
    it."""
    from .smtp_server import SmtpServer

    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SAMEPAGE_BASE_URL = "https://kb.example.com"
    yield server
    server.stop()


@pytest.fixture
def http_receiver(settings):
    """A real HTTP server on a loopback port that webhooks may be sent to."""
    from .http_receiver import HttpReceiver

    settings.SAMEPAGE_WEBHOOK_ALLOW_LOOPBACK = True
    settings.SAMEPAGE_WEBHOOK_TIMEOUT = 0.3
    settings.SAMEPAGE_BASE_URL = "https://kb.example.com"
    receiver = HttpReceiver()
    receiver.start()
    yield receiver
    receiver.stop()
