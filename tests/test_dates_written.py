"""Days as pages write them: params.day_text is Django's "j M Y", faster."""

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
