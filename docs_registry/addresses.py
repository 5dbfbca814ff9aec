"""Addresses of the rows of long lists, without walking the URL patterns per row.

Django's `reverse()` walks the URL patterns on every call, about 20 µs: a page of
50 documents, or a document with 20 exceptions in force, spent a millisecond on
it each time the page was worked out afresh. An address's shape follows from the
code and the site's URL prefix alone, so `address()` reverses each name once per
process (and prefix) with placeholder arguments, and fills the row's values in.

Only values that need no quoting are filled in this way (whole numbers and
document IDs); any other value goes through `reverse()` as before. Values are
not checked against their converters again: they are the rows' own keys and IDs,
which the models already hold to those shapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, reverse
from django.urls.base import get_urlconf

# Placeholders that the `int` and `docid` converters accept and no real address
# holds; each is found exactly once in the reversed address or it is not used.
_INT_PLACEHOLDER = 918_273_645
_DOC_ID_PLACEHOLDER = "QZXQZ-55550"
# What may be filled in as it is: the characters reverse() leaves unquoted.
_PLAIN = re.compile(r"[A-Za-z0-9-]+")


def address(viewname: str, *args: int | str) -> str:
    """`reverse(viewname, args=args)`, from the name's shape worked out once."""
    return _filler(viewname, tuple(isinstance(arg, int) for arg in args))(*args)


def address_in(request, viewname: str, *args: int | str) -> str:
    """`address(viewname, *args)` within `request` (None: outside one): the URL
    setup and each name's shape are read once per request, not once an address
    (8 µs; a page worked out afresh writes 20 to 40)."""
    if request is None:
        return address(viewname, *args)
    kinds = tuple(isinstance(arg, int) for arg in args)
    fillers = request.__dict__.get("_samepage_addresses")
    if fillers is None:
        fillers = request._samepage_addresses = {"setup": url_setup()}
    fill = fillers.get((viewname, kinds))
    if fill is None:
        fill = fillers[viewname, kinds] = _filler(viewname, kinds, fillers["setup"])
    return fill(*args)


def addresses_of(viewname: str, *kinds: type) -> Callable[..., str]:
    """`address(viewname, *args)` for the rows of one list, whose arguments are
    of `kinds` (`str` or `int`): the URL prefix and configuration, read from
    context-local state (7 µs a call), and the shape are looked up once for the
    list rather than once per row."""
    return _filler(viewname, tuple(kind is int for kind in kinds))


def _filler(
    viewname: str, kinds: tuple[bool, ...], setup: tuple | None = None
) -> Callable[..., str]:
    shape = _shape(viewname, kinds, *(setup or url_setup()))

    def fill(*args: int | str) -> str:
        if shape is None or not all(_plain(arg) for arg in args):
            return reverse(viewname, args=args)
        return shape.format(*args)

    return fill


def url_setup() -> tuple:
    """What every address depends on besides the code: the URL prefix the site
    is served under, and the URL configuration (tests swap it)."""
    return get_script_prefix(), get_resolver(get_urlconf())


def _plain(arg) -> bool:
    if isinstance(arg, int):
        return True
    return isinstance(arg, str) and _PLAIN.fullmatch(arg) is not None


@lru_cache(maxsize=256)
def _shape(viewname: str, kinds: tuple[bool, ...], prefix: str, resolver) -> str | None:
    """The address of `viewname` as a format string with one field per argument
    (`kinds`: whether each is a number), or None where placeholders cannot tell.
    `prefix` and `resolver` are part of the key: another URL prefix or URL
    configuration (tests) has shapes of its own."""
    placeholders = [
        str(_INT_PLACEHOLDER + index) if is_int else f"{_DOC_ID_PLACEHOLDER}{index}"
        for index, is_int in enumerate(kinds)
    ]
    try:
        reversed_address = reverse(viewname, args=placeholders)
    except NoReverseMatch:
        return None
    shape = reversed_address.replace("{", "{{").replace("}", "}}")
    for index, placeholder in enumerate(placeholders):
        if shape.count(placeholder) != 1:
            return None
        shape = shape.replace(placeholder, f"{{{index}}}")
    return shape
