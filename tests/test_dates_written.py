"""Days as pages write them: params.day_text is Django's "j M Y", faster."""

import re
from datetime import date, datetime

import pytest
from django.utils.dateformat import format as format_date

from docs_registry.params import day_label, day_text


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_as_django_writes_it(month):
    for day in (date(2027, month, 1), date(1999, month, 28)):
        assert day_text(day) == format_date(day, "j M Y")


def test_a_moment_is_written_on_its_day_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    # 02:00 UTC on the 1st is still the last day of December in New York.
    moment = datetime.fromisoformat("2027-01-01T02:00:00+00:00")
    assert day_label(moment) == "31 Dec 2026"


@pytest.mark.django_db
def test_lists_write_their_times_in_the_site_time_zone(
    settings, client, document, sales_staff
):
    from field import services

    from .factories import publish

    publish(document, body="Up to **15%** needs no approval.")
    services.field_report_file(
        actor=sales_staff, documents=[document], kind="complaint", text="In USD."
    )
    settings.TIME_ZONE = "Asia/Kolkata"  # +05:30 all year
    client.force_login(sales_staff)
    for url in (
        "/docs/",  # the documents' rows
        "/docs/PRC-0001/compare/?from=1&to=2",  # the versions between
        "/docs/PRC-0001/history/",  # the history's rows
        "/field/",  # the field reports' rows
    ):
        html = client.get(url).content.decode()
        times = re.findall(r'<time datetime="([^"]+)"', html)
        assert times and all(time.endswith("+05:30") for time in times), url
