"""Log filters: expected refusals are one line, not a traceback."""

import logging

EXPECTED = frozenset({403, 404})


class ExpectedRefusals(logging.Filter):
    """A 403 or 404 is the product working (a wrong address, a page someone may
    not see): keep its one-line warning and drop the traceback Django attaches."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in EXPECTED:
            record.exc_info = None
            record.exc_text = None
        return True
