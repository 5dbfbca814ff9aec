"""Expected refusals (403, 404) log one line without a traceback, and each line is
written once."""

from __future__ import annotations

import logging
import sys

import pytest

from docs_registry.logfilters import ExpectedRefusals

pytestmark = pytest.mark.django_db


def _console() -> logging.Handler:
    """The handler the settings give the root logger (pytest adds its own)."""
    (handler,) = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, ExpectedRefusals) for f in handler.filters)
    ]
    return handler


def test_django_lines_are_written_once():
    # Django's default console handler on "django" would repeat every line that
    # then propagates to the root's.
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate


@pytest.mark.parametrize("url, status", [("/coverage/", 403), ("/docs/PRC-9999/", 404)])
def test_a_refusal_is_logged_without_a_traceback(client, sales_staff, url, status):
    client.force_login(sales_staff)
    handler = _console()
    records = []
    original = handler.emit
    handler.emit = lambda record: records.append(handler.format(record))
    try:
        assert client.get(url).status_code == status
    finally:
        handler.emit = original
    assert len(records) == 1
    assert "\n" not in records[0] and url in records[0]


def test_a_server_error_keeps_its_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Server error", (), None
        )
        record.exc_info = sys.exc_info()
    record.status_code = 500
    assert ExpectedRefusals().filter(record)
    assert record.exc_info is not None
