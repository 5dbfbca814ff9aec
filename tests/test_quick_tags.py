"""templatetags/quick.py writes what `{% url %}`, `{% static %}` and `|date` write,
and the templates use it."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import set_script_prefix
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def render(source: str, **context) -> str:
    return Template("{% load quick static %}" + source).render(Context(context))


@pytest.mark.parametrize(
    "arguments",
    [
        "'docs_registry:home'",
        "'docs_registry:document' doc_id",
        "'docs_registry:version' doc_id number",
        "'docs_registry:question_answer' number",
        # Not a plain value: quoted by reverse() as {% url %} quotes it.
        "'docs_registry:person' username",
    ],
)
@pytest.mark.parametrize("prefix", ["/", "/kb/"])
def test_an_address_is_what_url_writes(arguments, prefix):
    values = {"doc_id": "POL-0001", "number": 12, "username": "anne marie&co"}
    set_script_prefix(prefix)
    try:
        quick = render(f"{{% address {arguments} %}}", **values)
        django = render(f"{{% url {arguments} %}}", **values)
        assert quick == django
        assert quick.startswith(prefix)
        kept = render(
            f"{{% address {arguments} as there %}}[{{{{ there }}}}]", **values
        )
        assert kept == f"[{django}]"
    finally:
        set_script_prefix("/")


def test_an_asset_is_what_static_writes_and_follows_the_settings():
    assert render("{% asset 'css/app.css' %}") == render("{% static 'css/app.css' %}")
    with override_settings(STATIC_URL="/elsewhere/"):
        moved = render("{% asset 'css/app.css' %}")
        assert moved == render("{% static 'css/app.css' %}")
        assert moved.startswith("/elsewhere/")


MOMENTS = [
    datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # already 1 Jan 2027 in Paris
    datetime(2027, 3, 28, 1, 15, tzinfo=UTC),  # the morning clocks go forward
    datetime(2026, 7, 4, 12, 0, tzinfo=UTC),
]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/Los_Angeles"])
@pytest.mark.parametrize("when", MOMENTS)
def test_day_and_moment_are_what_date_writes_in_the_sites_time_zone(zone, when):
    with timezone.override(zone):
        assert render("{{ when|day }}", when=when) == render(
            '{{ when|date:"j M Y" }}', when=when
        )
        assert render("{{ when|moment }}", when=when) == render(
            "{{ when|date:'c' }}", when=when
        )
        assert render("{{ when|day_time }}", when=when) == render(
            '{{ when|date:"j M Y, H:i" }}', when=when
        )


def test_day_and_moment_of_a_day_or_of_nothing():
    day = date(2027, 1, 5)
    assert render("{{ day|day }}|{{ day|moment }}", day=day) == render(
        "{{ day|date:'j M Y' }}|{{ day|date:'c' }}", day=day
    )
    assert render("[{{ nothing|day }}][{{ nothing|moment }}]", nothing=None) == "[][]"
    assert render("[{{ nothing|day_time }}]", nothing=None) == "[]"


def test_templates_write_addresses_assets_and_days_the_quick_way():
    """One way to write each: a template that goes back to `{% url %}`,
    `{% static %}`, `|date:"j M Y"` or `|date:"j M Y, H:i"` pays for it on
    every page worked out."""
    slow = ("{% url ", "{% static ", '|date:"j M Y"', '|date:"j M Y, H:i"')
    slow += ("|date:'c'", '|date:"c"')
    slow += ("|truncatechars", "{% csrf_token %}")
    found = [
        f"{path.relative_to(TEMPLATES)}: {pattern}"
        for path in [*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]
        for pattern in slow
        if pattern in path.read_text()
    ]
    assert found == []


# Letters, combining marks, characters NFC writes as two (U+0958) or joins (e
# and U+0301), and an ellipsis of its own.
clip_text = st.text(
    st.one_of(
        st.characters(),
        st.sampled_from(["e", "\u0301", "\u0958", "\u2026", "<", "&", " "]),
    ),
    max_size=30,
)


@settings(max_examples=1_000, deadline=None)
@given(clip_text, st.integers(min_value=-2, max_value=32), st.booleans())
def test_clip_is_what_truncatechars_writes(text, length, safe):
    from django.utils.safestring import mark_safe

    value = mark_safe(text) if safe else text  # noqa: S308 -- never served
    clipped = render("{{ value|clip:length }}", value=value, length=length)
    assert clipped == Template("{{ value|truncatechars:length }}").render(
        Context({"value": value, "length": length})
    )


@pytest.mark.django_db
def test_the_pages_write_numbers_without_the_locales_separators(
    client, document, sales_staff, support_staff, monkeypatch
):
    """A page's numbers (version numbers, counts, pages) are written as they are:
    the same text as the locale's en-us would write, without looking it up."""
    from django.utils import formats

    from docs_registry import caching

    looked_up = []
    monkeypatch.setattr(
        formats,
        "number_format",
        lambda value, *args, **kwargs: looked_up.append(value) or str(value),
    )
    caching.empty()
    for person in (sales_staff, support_staff):
        client.force_login(person)
        page = client.get("/digest/").content.decode()
        assert f'name="shown" value="{document.doc_id}:v1"' in page
    assert looked_up == []


def test_a_pages_forms_share_one_csrf_input_that_django_accepts(
    client, document, sales_staff, monkeypatch
):
    """`{% csrf_input %}` is Django's own input, written once per request: the
    document page's four forms (acknowledge, ask, close a question, sign out)
    carry the same token, and Django's check accepts it."""
    import re

    from django.template.defaulttags import CsrfTokenNode
    from django.test import Client

    written = []
    django_render = CsrfTokenNode.render
    monkeypatch.setattr(
        CsrfTokenNode,
        "render",
        lambda node, context: written.append(1) or django_render(node, context),
    )
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(sales_staff)
    page = checked.get(f"/docs/{document.doc_id}/").content.decode()
    inputs = re.findall(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', page)
    assert len(inputs) == 4 and len(set(inputs)) == 1, inputs
    assert written == [1]
    token = re.search(r'value="([A-Za-z0-9]{64})"', inputs[0])[1]
    acknowledged = checked.post(
        f"/docs/{document.doc_id}/acknowledge/",
        {"csrfmiddlewaretoken": token, "number": 1},
    )
    assert acknowledged.status_code == 302
    refused = checked.post(
        f"/docs/{document.doc_id}/acknowledge/",
        {"csrfmiddlewaretoken": "x" * 64, "number": 1},
    )
    assert refused.status_code == 403


# What `{% pagination %}` replaced, as it was written.
_PAGINATION_TEMPLATE = (
    '{% if page.has_other_pages %}\n<nav class="pagination" aria-label="Pages">\n'
    '  {% if page.has_previous %}<a href="?{{ query_string }}page='
    '{{ page.previous_page_number }}" rel="prev">&larr; Previous</a>{% endif %}\n'
    "  <span>Page {{ page.number }} of {{ page.paginator.num_pages }}</span>\n"
    '  {% if page.has_next %}<a href="?{{ query_string }}page='
    '{{ page.next_page_number }}" rel="next">Next &rarr;</a>{% endif %}\n'
    "</nav>\n{% endif %}\n"
)


@pytest.mark.parametrize("count", [0, 1, 20, 21, 45])
@pytest.mark.parametrize("query_string", ["", "q=a&amp;b=<i>&", None])
def test_pagination_is_what_its_template_wrote(count, query_string):
    from django.core.paginator import Paginator

    paginator = Paginator(list(range(count)), 20)
    for number in paginator.page_range:
        context = {"page": paginator.page(number)}
        if query_string is not None:
            context["query_string"] = query_string
        quick = Template("{% load listing %}{% pagination page query_string %}").render(
            Context(context)
        )
        assert quick == Template(_PAGINATION_TEMPLATE).render(Context(context))


def test_a_csrf_input_follows_its_secret_within_a_request(rf):
    """Written once per request, and again once the secret changes (a sign-in
    rotates it): a form never carries a token of the secret replaced."""
    from django.middleware.csrf import _unmask_cipher_token, rotate_token
    from django.template import RequestContext

    request = rf.get("/")
    page = Template("{% load quick %}{% csrf_input %}")

    def token() -> str:
        html = page.render(RequestContext(request))
        return html.split('value="')[1].split('"')[0]

    first = token()
    assert token() == first
    rotate_token(request)
    rotated = token()
    assert _unmask_cipher_token(rotated) == request.META["CSRF_COOKIE"]
    assert _unmask_cipher_token(first) != request.META["CSRF_COOKIE"]
