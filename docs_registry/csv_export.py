"""CSV downloads: every CSV the product serves is written here.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a
tab or carriage return before one) as a formula, so a document title such as
`=HYPERLINK(...)` would become a live link or command in a manager's spreadsheet.
"""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """OWASP's rule for CSV injection: a text cell that starts with a formula
    trigger gets a leading single quote, so it is shown as text.

    Only text (`str`) is changed. Numbers written by the report itself — counts,
    percentages, version numbers — are not text typed by anyone and are written
    as they are, so a genuine negative number stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(
    filename: str, header: list[str], rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    """Stream `header` then `rows` as a CSV download, every cell neutralised."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
