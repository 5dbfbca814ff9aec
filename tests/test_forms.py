"""Form widgets written by hand render what Django's own would."""

import pytest
from django import forms
from django.test.html import parse_html

from docs_registry.forms import QuickSelect


@pytest.mark.parametrize("value", ["", "2", "<x>"])
def test_the_quick_select_renders_what_djangos_select_renders(value):
    choices = [("", "Any"), ("1", "<One> & one"), ("Group", [("2", "Two"), ("3", "3")])]
    attrs = {"id": "id_owner", "required": True, "aria-invalid": "true"}
    quick = QuickSelect(choices=choices).render("owner", value, attrs)
    assert parse_html(quick) == parse_html(
        forms.Select(choices=choices).render("owner", value, attrs)
    )
