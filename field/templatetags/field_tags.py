"""Where an exception stands on a day, and lists of exceptions and reports, for
templates.

Long lists are written in Python rather than as template loops or includes, as
docs_registry's listing.py does:
- `{% exception_items exceptions today %}`, each exception's `<li>`: twenty
  exceptions on a document page took 4.4 ms of its 12.7 ms to render as
  includes, each time the page was worked out again;
- `{% report_rows reports %}`, each field report's `<tr>` on the reports page:
  fifty rows took most of its 23 ms as a template loop;
- `{% week_report_items reports %}`, the sales digest's week from the field:
  ten items took a tenth of a digest worked out afresh as a template loop."""

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from docs_registry.addresses import addresses_of
from docs_registry.params import day_text
from docs_registry.templatetags.quick import clip

from ..models import STANDING_LABELS, FieldReport

register = template.Library()


@register.filter
def standing(exception, today) -> str:
    return exception.standing(today)


@register.filter
def standing_label(value: str) -> str:
    return STANDING_LABELS.get(value, value)


# One exception: who, what, against which version, until when, and where it
# stands on the day (a badge unless it is in force).
_ITEM = (
    '\n<li class="exception-item{}">'
    '\n  <a href="{}"><strong>{}</strong></a>{}:'
    "\n  {}"
    '\n  <span class="meta-line">&middot; departs from <a href="{}">{}</a> &middot; '
    "until "
    '<time datetime="{}">{}</time></span>{}'
    "\n</li>"
)


def _item(exception, today, version_urls: dict, exception_url) -> str:
    standing = exception.standing(today)
    account = (
        f' <span class="meta-line">({escape(exception.account)})</span>'
        if exception.account
        else ""
    )
    badge = (
        ""
        if standing == "active"
        else f'\n  <span class="badge standing {escape(standing)}">'
        f"{escape(standing_label(standing))}</span>"
    )
    until = exception.valid_until
    return _ITEM.format(
        "" if standing == "active" else f" {escape(standing)}",
        escape(exception_url(exception.pk)),
        escape(exception.customer),
        account,
        escape(exception.granted),
        version_urls[exception.document.doc_id, exception.version_number],
        escape(exception.citation),
        until.isoformat(),
        day_text(until),
        badge,
    )


class _VersionUrls(dict):
    """The escaped address of each (document ID, version number), worked out
    once per list (the addresses' setup too: 15 µs each time)."""

    def __init__(self):
        super().__init__()
        self.version_url = addresses_of("docs_registry:version", str, int)

    def __missing__(self, citation: tuple[str, int]) -> str:
        url = self[citation] = escape(self.version_url(*citation))
        return url


@register.simple_tag
def exception_items(exceptions, today) -> SafeString:
    """One `<li>` per exception (each with its document joined), as it stands
    on `today`."""
    version_urls = _VersionUrls()  # most depart from the same few versions
    exception_url = addresses_of("field:exception", int)
    items = "".join(
        _item(exception, today, version_urls, exception_url) for exception in exceptions
    )
    return mark_safe(items)  # noqa: S308 -- escaped, or dates and numbers


# One field report: its kind, what was heard (clipped, with the customer and the
# area), the documents it concerns, how often it was heard, when and by whom it
# was reported, and where it stands.
_REPORT_ROW = (
    "\n    <tr>"
    '\n      <td data-label="Kind">{}</td>'
    '\n      <td data-label="What was heard"><a href="{}">{}</a>{}</td>'
    '\n      <td data-label="Documents">{}</td>'
    '\n      <td data-label="Heard">{} time{}</td>'
    '\n      <td data-label="Reported"><time datetime="{}">{}</time> by {}</td>'
    '\n      <td data-label="Status">{}</td>'
    "\n    </tr>"
)
TEXT_SHOWN = 160  # characters of what was heard, in a row
# get_FOO_display() flattens the field's choices on every call.
_KIND_LABELS = dict(FieldReport.Kind.choices)
_STATUS_LABELS = dict(FieldReport.Status.choices)


def _report_row(report, report_url, document_url, zone) -> str:
    customer, area = report.customer, report.area
    where = ""
    if customer or area:
        between = " &middot; " if customer and area else ""
        where = (
            f'<br><span class="meta-line">{escape(customer)}{between}'
            f"{escape(area)}</span>"
        )
    documents = ", ".join(
        f'<a href="{escape(document_url(doc_id))}">{escape(doc_id)}</a>'
        for doc_id in report.doc_ids
    )
    if report.status == FieldReport.Status.ANSWERED:
        status = f"Answered in {escape(report.answered_in)}"
    else:
        status = escape(_STATUS_LABELS.get(report.status, report.status))
    reported = report.reported_at.astimezone(zone)
    return _REPORT_ROW.format(
        escape(_KIND_LABELS.get(report.kind, report.kind)),
        escape(report_url(report.pk)),
        escape(clip(report.text, TEXT_SHOWN)),
        where,
        documents or "&mdash;",
        report.heard,
        "" if report.heard == 1 else "s",
        reported.isoformat(),
        day_text(reported),
        escape(report.reporter_name),
        status,
    )


@register.simple_tag
def report_rows(reports) -> SafeString:
    """One `<tr>` per field report (selectors.ReportRow: a page of
    selectors.field_report_list)."""
    # The addresses' setup and the time zone read once for the list (listing.py).
    report_url = addresses_of("field:report", int)
    document_url = addresses_of("docs_registry:document", str)
    zone = timezone.get_current_timezone()
    rows = "".join(
        _report_row(report, report_url, document_url, zone) for report in reports
    )
    return mark_safe(rows)  # noqa: S308 -- escaped, or dates and numbers


# One of the week's most heard reports in the sales digest: its kind, what was
# heard (clipped), how often, the customer and the documents it names.
_WEEK_ITEM = (
    '\n    <li>{}: <a href="{}">{}</a>'
    '\n      <span class="meta-line">&middot; heard {} time{}{}{}</span></li>'
)
WEEK_TEXT_SHOWN = 140  # characters of what was heard, in the digest


def _week_item(report, report_url) -> str:
    customer = f" &middot; {escape(report.customer)}" if report.customer else ""
    documents = "".join(f" {escape(doc_id)}" for doc_id in report.doc_ids)
    return _WEEK_ITEM.format(
        escape(_KIND_LABELS.get(report.kind, report.kind)),
        escape(report_url(report.pk)),
        escape(clip(report.text, WEEK_TEXT_SHOWN)),
        report.seen,
        "" if report.seen == 1 else "s",
        customer,
        f" &middot;{documents}" if documents else "",
    )


@register.simple_tag
def week_report_items(reports) -> SafeString:
    """One `<li>` per report of the week (selectors.field_reports_of_week, each
    with `seen` and `doc_ids`)."""
    report_url = addresses_of("field:report", int)
    items = "".join(_week_item(report, report_url) for report in reports)
    return mark_safe(items)  # noqa: S308 -- escaped, or numbers
