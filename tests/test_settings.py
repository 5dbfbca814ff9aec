import os

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


def test_suite_runs_on_the_database_it_was_given():
    # CI runs the suite twice; this proves the second run really was PostgreSQL.
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres", "postgis")) else "sqlite"
    assert connection.vendor == expected


def test_sqlite_takes_the_write_lock_at_begin():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
