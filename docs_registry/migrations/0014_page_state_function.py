"""On PostgreSQL, the page state (see docs_registry/caching.py) is read through a
PL/pgSQL function, whose plan each database session keeps: planning the eight
sub-queries took longer than running them, on every request. The function's
query must stay the same as caching._STATE (tests/test_caching.py compares them);
a change to one needs a migration that replaces the function."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION docs_registry_page_state(reader bigint)
RETURNS TABLE (
    versions bigint, documents bigint, categories bigint, terms bigint,
    people bigint, questions bigint, acknowledged bigint, seen_at timestamptz
)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT
        (SELECT MAX(id) FROM docs_registry_version)::bigint,
        (SELECT MAX(history_id) FROM docs_registry_historicaldocument)::bigint,
        (SELECT MAX(history_id) FROM docs_registry_historicalcategory)::bigint,
        (SELECT MAX(history_id) FROM docs_registry_historicalglossaryterm)::bigint,
        (SELECT MAX(history_id) FROM docs_registry_historicaluser)::bigint,
        (SELECT MAX(history_id) FROM docs_registry_historicalquestion)::bigint,
        (SELECT MAX(id) FROM docs_registry_acknowledgment
            WHERE user_id = reader)::bigint,
        (SELECT d.seen_at FROM docs_registry_digeststate d WHERE d.user_id = reader);
END
$$
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION docs_registry_page_state(bigint)")


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0013_search_rank_vector")]

    operations = [migrations.RunPython(create_function, drop_function)]
