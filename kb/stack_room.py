"""Room on the interpreter's frame stack for each request a server hands over.

CPython 3.11 keeps the frames of Python calls on a stack of its own, one per
thread, in chunks of 16 KB. It gives a chunk back to the system (munmap) as soon
as the frame that opened it returns, and maps a new one (mmap) for the next call
that needs it (python/cpython#142183: since March 2026 CPython keeps one chunk
in reserve, and 3.13 has the fix too). A page served by gunicorn runs just about
at the end of the first chunk, so calls there each mapped a fresh chunk and
unmapped it again: 48 times for a search page (2,808 pairs of 16 KB a second,
by strace), every such call 6-12 µs instead of 0.3, about a fifth of the page's
time. Django's test client calls the application a few frames deeper, where
none of this happens, so only a served page shows it.

`StackRoom` calls the application from a frame that reserves room it never uses:
too big for what is left of the first chunk, it opens one of its own (128 KB,
mostly never touched), and the request's frames follow it there, 64 KB deep
before they would need another. One chunk is mapped for each request instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")

# Slots (8 bytes each) the calling frame reserves. CPython maps a chunk of at
# least 8 × (slots + 1000) bytes for a frame that does not fit, in steps of 16 KB
# doubled: 128 KB here, the half after this frame free for the request's frames.
RESERVED_SLOTS = 8192


def _call_with_room(function: Callable[..., Result], *args) -> Result:
    return function(*args)


# The frame's evaluation stack, sized as declared: declared larger than the code
# uses, it is room that is mapped but never written.
_call_with_room.__code__ = _call_with_room.__code__.replace(co_stacksize=RESERVED_SLOTS)


class StackRoom:
    """A WSGI application that runs `application` with room on the frame stack."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        return _call_with_room(self.application, environ, start_response)
