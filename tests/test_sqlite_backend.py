"""The SQLite backend (kb/sqlite): Django's, with each statement's placeholders
rewritten once rather than on every run."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the SQLite backend's own rule"
    ),
]


def test_a_statement_run_again_is_not_rewritten_again():
    from kb.sqlite.base import _qmark

    sql = "SELECT %s || '%%' || %s, 'kept-statement'"
    _qmark.cache_clear()
    with connection.cursor() as cursor:
        cursor.execute(sql, ["a", "b"])
        assert cursor.fetchone() == ("a%b", "kept-statement")
        cursor.execute(sql, ["c", "d"])
        assert cursor.fetchone() == ("c%d", "kept-statement")
    rewritten = _qmark.cache_info()
    assert (rewritten.misses, rewritten.hits) == (1, 1)


def test_named_placeholders_are_rewritten_as_django_does():
    with connection.cursor() as cursor:
        cursor.execute("SELECT %(first)s || %(second)s", {"first": "a", "second": "b"})
        assert cursor.fetchone() == ("ab",)


def test_the_configured_engine_is_the_projects():
    from django.conf import settings

    assert settings.DATABASES["default"]["ENGINE"] == "kb.sqlite"
