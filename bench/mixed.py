"""The mixed run (`bench/run.py --mixed`): the pages read while a writer publishes.

A separate process (its own interpreter and database connection, the same
settings and database as the server) publishes a version of one document every
`period_s` seconds through `document_publish`, as the document's owner, and after
each commit sets a shared counter to the version's number. Before sending each
request, the load generator reads that counter; the answer of the document page
(its `PRC-0001 v3` citations) and of the API document (its `version`) must show
at least that number, or it is counted stale. A page that showed an older version
than one committed before it was asked for was served from a stale cache.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bench.loadgen import ResponseCheck

# Before giving up on a writer that does not stop (a publish takes milliseconds).
STOP_TIMEOUT_S = 30.0


class WriterError(RuntimeError):
    """The writer failed: the run's staleness check would then prove nothing."""


# --- what an answer shows ---------------------------------------------------------


def version_in_html(body: bytes, doc_id: str) -> int | None:
    """The highest version of `doc_id` the page cites (`INT-0001 v16`): the
    current version, on the document page, and never a newer one."""
    text = body.decode(errors="replace")
    numbers = re.findall(rf"\b{re.escape(doc_id)} v(\d+)\b", text)
    return max(int(number) for number in numbers) if numbers else None


def version_in_json(body: bytes) -> int | None:
    """The API document's `version`."""
    try:
        version = json.loads(body).get("version")
    except (ValueError, AttributeError):
        return None
    return version if isinstance(version, int) else None


def fresh_check(committed, version_in: Callable[[bytes], int | None]) -> ResponseCheck:
    """A check that an answer shows at least the version that was committed just
    before its request was sent (`committed`: the writer's shared number). An
    answer showing no version at all is stale too."""

    def before_sending() -> Callable[[bytes], bool]:
        newest = committed.value

        def holds(body: bytes) -> bool:
            shown = version_in(body)
            return shown is not None and shown >= newest

        return holds

    return before_sending


# --- the writer -------------------------------------------------------------------


def written_body(original: str, write: int) -> str:
    """Each write changes the last line; the body stays the same size."""
    return f"{original}\n\nChecked under load, write {write}."


def publish_versions(*, document_pk: int, committed, published, stop, period_s: float):
    """Publish a version every `period_s` seconds (on a fixed schedule, so a slow
    publish does not slow the pace) until `stop` is set; after each commit, set
    `committed` to its number and count it in `published`."""
    from docs_registry.models import Document
    from docs_registry.services.documents import document_publish

    def current() -> Document:
        return Document.objects.select_related("current_version", "owner").get(
            pk=document_pk
        )

    original = current().current_version.body
    next_at = time.monotonic()
    while not stop.wait(max(0.0, next_at - time.monotonic())):
        document = current()
        version = document_publish(
            document=document,
            actor=document.owner,
            title=document.title,
            body=written_body(original, published.value + 1),
            summary="A write of the mixed benchmark run",
            significance="minor",
            base_number=document.current_version.number,
            publish_anyway=True,
        )
        # document_publish is atomic: when it returns, the version is committed.
        committed.value = version.number
        published.value += 1
        next_at += period_s


def _write(document_pk: int, committed, published, stop, period_s: float) -> None:
    """The writer process: Django set up from the environment it was started
    with (the server's settings and database), then `publish_versions`."""
    try:
        import django

        django.setup()
        from django.db import connections

        try:
            publish_versions(
                document_pk=document_pk,
                committed=committed,
                published=published,
                stop=stop,
                period_s=period_s,
            )
        finally:
            connections.close_all()
    except BaseException:
        traceback.print_exc(file=sys.stderr)
        sys.exit(1)


@dataclass
class Writer:
    committed: object  # multiprocessing Value: the newest committed version
    published: object  # multiprocessing Value: versions published so far
    first: int  # the document's version when the writer started
    started: float = 0.0
    seconds: float = 0.0

    def check(self, version_in: Callable[[bytes], int | None]) -> ResponseCheck:
        return fresh_check(self.committed, version_in)

    def summary(self) -> str:
        count = self.published.value
        return (
            f"{count} versions published in {self.seconds:.0f} s "
            f"(v{self.first + 1}–v{self.first + count})"
            if count
            else "no version published"
        )


@contextmanager
def writing(document, period_s: float) -> Iterator[Writer]:
    """The writer, publishing `document` every `period_s` seconds in a process of
    its own while the block runs; stopped on the way out. Raises WriterError if
    it failed (its traceback is on stderr)."""
    # spawn: a fresh interpreter, no database connection inherited from this one.
    context = multiprocessing.get_context("spawn")
    first = document.current_version.number
    writer = Writer(context.Value("q", first), context.Value("q", 0), first)
    stop = context.Event()
    process = context.Process(
        target=_write,
        args=(document.pk, writer.committed, writer.published, stop, period_s),
        name="bench-writer",
        daemon=True,
    )
    writer.started = time.monotonic()
    process.start()
    try:
        yield writer
    finally:
        stop.set()
        process.join(STOP_TIMEOUT_S)
        if process.is_alive():
            process.kill()
            process.join()
        writer.seconds = time.monotonic() - writer.started
    if process.exitcode != 0:
        raise WriterError(
            f"the writer stopped with status {process.exitcode} after "
            f"{writer.summary()} (its messages are above)"
        )
