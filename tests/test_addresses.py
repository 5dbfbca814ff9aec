"""addresses.address: the same address as reverse(), worked out once per name."""

from unittest import mock

import pytest
from django.urls import reverse, set_script_prefix

from docs_registry import addresses
from docs_registry.addresses import address, addresses_of

ROUTES = [
    ("docs_registry:document", ("SUP-0012",)),
    ("docs_registry:document", ("pol-0001",)),
    ("docs_registry:version", ("SUP-0012", 3)),
    ("docs_registry:version", ("INT-123456", 120)),
    ("docs_registry:compare", ("SUP-0012",)),
    ("docs_registry:history", ("AB-0001",)),
    ("field:exception", (7,)),
    ("field:report", (918_273_645,)),
    ("teamwork:goal", (1,)),
    ("docs_registry:person", ("j-doe",)),
    # Values reverse() would quote are left to it.
    ("docs_registry:person", ("jane doe",)),
    ("docs_registry:person", ("{0}",)),
    ("docs_registry:person", ("café",)),
]


@pytest.fixture(autouse=True)
def _fresh_shapes():
    addresses._shape.cache_clear()
    yield
    addresses._shape.cache_clear()


@pytest.mark.parametrize(("viewname", "args"), ROUTES)
def test_the_same_address_as_reverse(viewname, args):
    assert address(viewname, *args) == reverse(viewname, args=args)


@pytest.mark.parametrize(("viewname", "args"), ROUTES)
def test_addresses_of_a_list_are_the_same_as_reverse(viewname, args):
    fill = addresses_of(viewname, *(type(arg) for arg in args))
    assert fill(*args) == reverse(viewname, args=args)


def test_addresses_of_a_list_look_up_the_url_setup_once():
    with mock.patch.object(
        addresses, "url_setup", wraps=addresses.url_setup
    ) as looked_up:
        fill = addresses_of("docs_registry:version", str, int)
        urls = [fill("SUP-0012", n) for n in range(1, 51)]
    assert urls[49] == "/docs/SUP-0012/v50/"
    assert looked_up.call_count == 1


def test_each_name_is_reversed_once_however_many_rows():
    with mock.patch.object(addresses, "reverse", wraps=reverse) as reversed_:
        urls = [address("docs_registry:version", "SUP-0012", n) for n in range(1, 51)]
    assert urls[49] == "/docs/SUP-0012/v50/"
    assert reversed_.call_count == 1


def test_another_url_prefix_has_shapes_of_its_own():
    plain = address("docs_registry:document", "SUP-0012")
    set_script_prefix("/kb/")
    try:
        assert address("docs_registry:document", "SUP-0012") == "/kb/docs/SUP-0012/"
    finally:
        set_script_prefix("/")
    assert plain == "/docs/SUP-0012/"


@pytest.mark.django_db
def test_a_page_reads_the_url_setup_once_and_each_request_its_own(client):
    from docs_registry import caching
    from docs_registry.models import User

    client.force_login(User.objects.create_user("reader", in_sales=True))
    client.get("/glossary/")  # the parts written once per process are written
    caching.empty()
    with mock.patch.object(
        addresses, "url_setup", wraps=addresses.url_setup
    ) as looked_up:
        page = client.get("/glossary/").content.decode()
        assert page.count('href="/') > 12  # of ten names and more
        assert looked_up.call_count == 1
        caching.empty()
        client.get("/glossary/")  # another request, which may have another prefix
        assert looked_up.call_count == 2
