"""What a page leaves for the garbage collector: objects in a reference cycle
outlive the request until its next pass, which walks them on the way (a sixth of
a digest's time as served, before these rules). Each test turns the collector
off, so only reference counting frees anything."""

import gc
import weakref
from contextlib import contextmanager

import pytest
from django.template.loader import render_to_string

from docs_registry.models import Document
from docs_registry.prepared import PreparedQuery

from .factories import make_document


@contextmanager
def no_collector():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Given:
    """Something a page is given, which can be watched being freed."""


def test_what_a_page_was_given_is_freed_once_it_is_written(rf, sales_staff):
    request = rf.get("/")
    request.user = sales_staff
    given = Given()
    freed = weakref.ref(given)
    with no_collector():
        html = render_to_string(
            "docs_registry/ceiling.html", {"given": given}, request=request
        )
        del given
        assert freed() is None
    assert "Signed in as" in html


def test_the_copy_of_a_context_the_test_client_keeps_stays_whole(sales_staff):
    """The test client keeps a copy of each context (response.context): taking
    the context apart after rendering leaves the copy whole."""
    from django.test import Client

    client = Client()
    client.force_login(sales_staff)
    response = client.get("/search/")
    assert response.context["query"] == ""


@pytest.mark.django_db
def test_a_document_read_with_its_current_version_is_freed_with_it(owner, manager):
    """The current version is joined (select_related) on a one-to-one whose way
    back no one can read (related_name "+"): it is not kept on the version, which
    would make the two a cycle."""
    make_document(owner=owner, manager=manager)
    query = PreparedQuery(lambda: Document.objects.select_related("current_version"))
    with no_collector():
        [document] = query.run()
        version = weakref.ref(document.current_version)
        freed = weakref.ref(document)
        del document
        assert freed() is None
        assert version() is None
