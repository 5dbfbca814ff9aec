"""The benchmark's ceiling page: signed in only, and absent unless switched on."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "/ceiling/"


def test_is_not_served_unless_switched_on(client, sales_staff, settings):
    settings.SAMEPAGE_BENCH_CEILING = False
    client.force_login(sales_staff)
    assert client.get(URL).status_code == 404


def test_asks_for_sign_in(client, settings):
    settings.SAMEPAGE_BENCH_CEILING = True
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_renders_a_tiny_page_with_one_session_query(client, sales_staff, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SAMEPAGE_BENCH_CEILING = True
    client.force_login(sales_staff)
    client.get(URL)  # renews the session (at most once a minute)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    assert sales_staff.display_name in response.content.decode()
    # The session and its user: the floor under every signed-in page.
    assert len(queries) == 2, [q["sql"][:90] for q in queries]
