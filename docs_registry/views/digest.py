"""The digest, acknowledgments and the home page."""

from datetime import datetime, time, timedelta
from functools import cache

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from field.selectors import exceptions_granted_asked, field_reports_of_week
from teamwork.news import team_news_asked, team_news_of

from .. import selectors, services
from ..caching import cache_key, digest_seen_at, page_key, reader_revision, remember
from ..forms import TeamDigestForm
from ..models import Document, Team
from ..prepared import rows_of_each
from ..selectors import digest as digest_selectors
from ..selectors import questions as question_selectors
from ..selectors.glossary import glossary_changes, glossary_changes_asked
from .common import lazy

# Each entry carries its inline comparison: ten keep a page short to read and to
# send (25 made pages of 150 KB).
DIGEST_PAGE_SIZE = 10
PRESET_DAYS = (7, 30)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    recent = selectors.document_list(sort="changed")[:10]
    return render(request, "docs_registry/home.html", {"recent": recent})


@require_safe
def digest(request: HttpRequest) -> HttpResponse:
    """The person's digest. Reading it changes nothing: what it shows stays until
    they acknowledge it, mark it as seen, or open the document."""
    if "team" in request.GET or "since" in request.GET:
        return _team_digest(request)
    user, readings = request.user, reader_revision(request)
    number = request.GET.get("page")
    today = timezone.localdate()
    # The header's count, which the pages are counted by too.
    waiting = cache(lambda: digest_selectors.waiting_count(request))
    # Read only when the kept page is missing (its key covers all of them).
    page = lazy(
        lambda: Paginator(
            digest_selectors.PendingDocuments(user, readings, waiting),
            DIGEST_PAGE_SIZE,
        ).get_page(number)
    )
    since_last_visit = lazy(
        lambda: _since_last_visit(user, readings, today, digest_seen_at(request))
    )
    # The forms around the kept page (they carry the CSRF token) need two facts:
    # kept apart, so that a page read again unpickles no document.
    shows_documents, dismissable = remember(
        cache_key("digest-forms", user.pk, readings, today, number),
        lambda: _forms_needed(page.object_list, since_last_visit),
    )
    context = _team_choices(user) | {
        "page": page,
        "waiting_changes": waiting,  # in place of context_processors.page's
        "entries": lazy(lambda: digest_selectors.digest_entries(page.object_list)),
        "presets": _presets(),
        "personal": True,
        "since_last_visit": since_last_visit,  # its moment: the team news's too
        "answers": lazy(lambda: since_last_visit[1]),
        "glossary_changes": lazy(lambda: since_last_visit[2]),
        "new_exceptions": lazy(lambda: since_last_visit[3]),
        "team_news": lazy(lambda: since_last_visit[4]),
        "today": today,
        "shows_documents": shows_documents,
        "dismissable": dismissable,
        "shown_at": timezone.now(),
        # Sales hears what support heard this week (the key carries the team).
        "field_reports": (
            lazy(field_reports_of_week, today) if user.in_sales else None
        ),
        # The presets name dates: the kept page is today's.
        "page_key": page_key(request, "digest", _presets(), personal=True),
    }
    return render(request, "docs_registry/digest.html", context)


@require_POST
def mark_seen(request: HttpRequest) -> HttpResponse:
    """ "Mark these as seen": what the digest showed at `shown_at` (minor changes,
    answers, glossary changes) leaves it; anything newer stays."""
    shown_at = parse_datetime(request.POST.get("shown_at", ""))
    if shown_at is None or timezone.is_naive(shown_at):
        messages.error(request, "That digest page is too old to tell what it showed.")
        return redirect("docs_registry:digest")
    services.digest_mark_seen(user=request.user, at=shown_at)
    messages.success(request, "Marked as seen. Changes that need acknowledgment stay.")
    return redirect("docs_registry:digest")


def _forms_needed(documents, since_last_visit) -> tuple[bool, bool]:
    """Whether the page lists documents (to acknowledge), and whether "Mark these
    as seen" has anything to take away: minor changes, answers, glossary changes
    or exceptions."""
    _, answers, glossary, exceptions, _ = since_last_visit
    minor_only = any(not document.needs_acknowledgment for document in documents)
    return bool(documents), bool(answers or glossary or exceptions or minor_only)


def _team_choices(user) -> dict:
    """A Support member's team digest starts at Support; Sales otherwise."""
    default = "support" if user.in_support and not user.in_sales else "sales"
    order = sorted(Team.choices, key=lambda choice: choice[0] != default)
    return {"default_team": default, "team_order": order}


def _since_last_visit(user, readings, today, seen_at) -> tuple:
    """When the person last saw their digest (`seen_at`, read with `readings`),
    and since then the answers to their questions, the glossary changes, the
    exceptions granted to their documents and the teams' news (goals and meeting
    decisions): asked together (which of them have anything, then only those),
    kept as rows (the documents they join took 0.5 ms to pickle), under the
    person's readings, which every change to any of them moves, and today (an
    exception that has ended leaves the list the next day)."""
    audiences = digest_selectors.audiences_for_teams(digest_selectors.user_teams(user))
    asked = [
        question_selectors.answers_asked(user, seen_at),
        glossary_changes_asked(audiences=audiences, since=seen_at),
        exceptions_granted_asked(audiences=audiences, since=seen_at, today=today),
        *team_news_asked(seen_at),
    ]
    kept = remember(
        cache_key("rows-since-last-visit", user.pk, readings, today),
        lambda: rows_of_each(asked),
    )
    lists = [each.objects(rows) for each, rows in zip(asked[:3], kept[:3], strict=True)]
    return (seen_at, *lists, team_news_of(asked[3:], kept[3:]))


def _presets() -> list[tuple[int, str]]:
    today = timezone.localdate()
    return [(days, (today - timedelta(days)).isoformat()) for days in PRESET_DAYS]


def _team_digest(request: HttpRequest) -> HttpResponse:
    form = TeamDigestForm(request.GET)
    context = _team_choices(request.user) | {
        "form": form,
        "presets": _presets(),
        "personal": False,
    }
    if not form.is_valid():
        return render(request, "docs_registry/digest.html", context, status=400)
    team, since = form.cleaned_data["team"], form.cleaned_data["since"]
    start = timezone.make_aware(datetime.combine(since, time.min))
    documents = digest_selectors.team_digest_documents(team, start)
    page = Paginator(documents, DIGEST_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    context |= {
        "page": page,
        "shows_documents": bool(shown),
        "entries": lazy(digest_selectors.digest_entries, shown),
        "team": team,
        "since": since,
        "query_string": f"team={team}&since={since.isoformat()}&",
        "glossary_changes": glossary_changes(
            audiences=digest_selectors.audiences_for_teams([team]), since=start
        ),
    }
    return render(request, "docs_registry/digest.html", context)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@require_POST
def acknowledge(request: HttpRequest, doc_id: str) -> HttpResponse:
    document = selectors.document_get(doc_id)
    try:
        number = int(request.POST.get("number", ""))
        created = services.acknowledgment_record(
            user=request.user, document=document, number=number
        )
    except ValueError:
        messages.error(request, "Say which version you have read.")
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        done = "Recorded" if created else "Already recorded"
        messages.success(request, f"{done}: you have read {document.doc_id} v{number}.")
    return _back(request, document.get_absolute_url())


@require_POST
def acknowledge_all(request: HttpRequest) -> HttpResponse:
    """Acknowledge every document that was shown, each at the version shown."""
    wanted = {}
    for item in request.POST.getlist("shown"):
        doc_id, _, number = item.rpartition(":v")
        if number.isdigit():
            wanted[doc_id.upper()] = int(number)
    documents = Document.objects.select_related(
        "current_version", "pending_version"
    ).in_bulk(list(wanted), field_name="doc_id")
    if len(documents) != len(wanted) or not wanted:
        messages.error(
            request, "Some of those documents do not exist; nothing was recorded."
        )
        return redirect("docs_registry:digest")
    try:
        count = services.acknowledgments_record(
            user=request.user,
            versions=[(documents[doc_id], number) for doc_id, number in wanted.items()],
        )
    except services.ServiceError as error:
        messages.error(request, f"{error.message} Nothing was recorded.")
    else:
        messages.success(
            request, f"Recorded {count} acknowledgment{'s' if count != 1 else ''}."
        )
    return redirect("docs_registry:digest")
