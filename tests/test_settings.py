import copy
import os

import pytest
from django.db import OperationalError, connection, connections, transaction

from docs_registry.models import Category
from kb.settings import postgresql_options

pytestmark = pytest.mark.django_db


def test_suite_runs_on_the_database_it_was_given():
    # CI runs the suite twice; this proves the second run really was PostgreSQL.
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres", "postgis")) else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db(transaction=True)
def test_sqlite_takes_the_write_lock_at_begin():
    """An atomic block that reads a number and writes the next one cannot
    interleave with another writer: from BEGIN, before it has read anything,
    every other connection's write is refused."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL locks rows with select_for_update")
    other = connections.create_connection("default")
    other.settings_dict = copy.deepcopy(other.settings_dict)
    other.settings_dict["OPTIONS"]["timeout"] = 0  # refuse at once, do not wait
    try:
        with transaction.atomic():
            with pytest.raises(OperationalError, match="locked"):
                with other.cursor() as cursor:
                    cursor.execute(INSERT_CATEGORY)
        with other.cursor() as cursor:
            cursor.execute(INSERT_CATEGORY)  # and once the block ends, it writes
    finally:
        other.close()
    assert Category.objects.filter(prefix="ZZ").exists()


INSERT_CATEGORY = (
    "INSERT INTO docs_registry_category (name, prefix, description, last_number) "
    "VALUES ('Other', 'ZZ', '', 0)"
)


def test_postgresql_plans_prepared_statements_once_and_keeps_the_urls_options():
    generic = "-c plan_cache_mode=force_generic_plan"
    assert postgresql_options({}, True) == {"options": generic}
    given = {"sslmode": "require", "options": "-c search_path=kb"}
    assert postgresql_options(given, True) == {
        "sslmode": "require",
        "options": f"-c search_path=kb {generic}",
    }
    assert postgresql_options(given, False) == given
