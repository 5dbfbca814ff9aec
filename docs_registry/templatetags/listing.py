"""Long lists written in Python rather than as template loops, for the reason
Django's admin writes its change list's rows so (`items_for_result`): each row's
dozen template lookups, `{% url %}` and date filters made these loops the dearest
part of their pages each time a page is worked out again (after any write).

- `{% document_rows page %}`: the rows of the browse page's table (fifty rows took
  8.8 ms as a template loop, 3.2 ms here);
- `{% version_items document versions %}`: the `<li>` of each version with its
  summary, on the comparison page and in each digest entry;
- `{% history_rows document page %}`: the rows of a document's history;
- `{% version_options newest selected %}`: the options of a comparison's version
  pickers, v`newest` down to v1 (a long history has hundreds);
- `{% search_hits hits %}`: the `<li>` of each search hit;
- `{% pagination page query_string %}`: the links to the previous and next pages
  of any long list (as an included template, 80 µs of lookups on every list).

Versions announced for later say when they apply, or that they were withdrawn
before they applied, as the templates they replace said."""

from html import escape

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from ..addresses import address, addresses_of
from ..models import Audience
from ..params import day_label, day_text
from ..selectors.documents import DocumentRow, withdrawn_before_applied

register = template.Library()

_ROW = (
    "\n    <tr{}>"
    '\n      <td data-label="ID"><a href="{}">{}</a></td>'
    '\n      <td data-label="Title"><a href="{}">{}</a>{}</td>'
    '\n      <td data-label="Category">{}</td>'
    '\n      <td data-label="Audience">{}</td>'
    '\n      <td data-label="Owner">{}{}</td>'
    '\n      <td data-label="Version">v{}</td>'
    '\n      <td data-label="Last change"><time datetime="{}">{}</time></td>'
    "\n    </tr>"
)
_RETIRED = ' <span class="badge retired">Retired</span>'
_OWNER_INACTIVE = ' <span class="badge warning">Owner inactive</span>'


def _row(row: DocumentRow, document_url, zone) -> str:
    # Every value is escaped here (html.escape is what Django's escape calls,
    # without its lazy-string wrapper, which cost as much as the escaping).
    url = escape(document_url(row.doc_id))
    number = when = day = ""
    if row.number is not None:
        changed = row.published_at.astimezone(zone)
        number = row.number
        when, day = changed.isoformat(), day_text(changed)
    retired = row.is_retired
    return _ROW.format(
        ' class="retired"' if retired else "",
        url,
        escape(row.doc_id),
        url,
        escape(row.title),
        _RETIRED if retired else "",
        escape(row.category_name),
        escape(str(row.audience_label)),
        escape(row.owner_name),
        "" if row.owner_is_active else _OWNER_INACTIVE,
        number,
        escape(when),
        escape(day),
    )


def _zone():
    """The time zone the rows' times are shown in, read once per list: reading
    it (context-local state) cost more than converting a time to it."""
    return timezone.get_current_timezone()


@register.simple_tag
def document_rows(documents) -> SafeString:
    """One `<tr>` per document: ID, title, category, audience, owner, version and
    when it last changed (selectors.document_rows)."""
    document_url, zone = addresses_of("docs_registry:document", str), _zone()
    rows = "".join(_row(row, document_url, zone) for row in documents)
    return mark_safe(rows)  # noqa: S308 -- escaped, or dates and numbers


_VERSION = (
    '\n    <li><a href="{}">v{}</a>'
    '\n      <span class="badge {}">{}</span>'
    '\n      <time datetime="{}">{}</time>{}'
    "\n      by {}:"
    '\n      <span class="summary">{}</span></li>'
)


_WITHDRAWN = (
    '\n      <span class="effective withdrawn">(withdrawn before it applied)</span>'
)


def _announced(version, withdrawn: bool) -> str:
    """A change announced for later: when it applies, or that it never did."""
    if withdrawn:
        return _WITHDRAWN
    if version.effective_at is not None:
        return (
            f'\n      <strong class="effective">effective '
            f"{day_label(version.effective_at)}</strong>"
        )
    return ""


def _version_item(url: str, version, withdrawn: bool, zone) -> str:
    published = version.published_at.astimezone(zone)
    significance = escape(version.significance)
    return _VERSION.format(
        escape(url),
        version.number,
        significance,
        significance,
        published.isoformat(),
        day_text(published),
        _announced(version, withdrawn),
        escape(version.published_by.display_name),
        escape(version.summary),
    )


def _version_items(doc_id: str, versions, version_url, zone) -> str:
    # Withdrawn: the next version came before its moment (listed here, newest
    # first, or found by the caller: a digest's versions carry `withdrawn`).
    published = {version.number: version.published_at for version in versions}
    return "".join(
        _version_item(
            version_url(doc_id, version.number),
            version,
            getattr(version, "withdrawn", None)
            or withdrawn_before_applied(
                version.effective_at, published.get(version.number + 1)
            ),
            zone,
        )
        for version in versions
    )


@register.simple_tag
def version_items(document, versions) -> SafeString:
    """One `<li>` per version of `document`: its number (a link to it), its
    significance, when and by whom it was published, and its summary (each with
    its publisher joined)."""
    version_url = addresses_of("docs_registry:version", str, int)
    items = _version_items(document.doc_id, versions, version_url, _zone())
    return mark_safe(items)  # noqa: S308 -- escaped, or dates and numbers


_ENTRY = (
    '<article class="digest-entry" id="{doc_id}">'
    "\n  <header>"
    '\n    <p class="citation"><a class="doc-id" href="{url}">{doc_id}</a>'
    '\n      <span class="version-number">v{current}</span>'
    "\n      {badge}</p>"
    '\n    <h2><a href="{url}">{title}</a></h2>'
    '\n    <p class="meta-line">Owner {owner} &middot; {category} &middot; for '
    "{audience}\n      &middot; {since}</p>"
    "\n  </header>"
    '\n  <ol class="version-list">{versions}{earlier}'
    "\n  </ol>"
    "\n  {change}"
    "\n  {acknowledge}"
    "\n</article>\n"
)
_ENTRY_EARLIER = (
    '\n    <li class="earlier">and {} earlier version{}{}: <a href="{}">see the '
    "history</a></li>"
)
_ENTRY_CHANGE = (
    '\n  <details class="inline-diff">'
    "\n    <summary>Show the change from v{baseline} to v{current}{stats}</summary>"
    '\n    <div class="doc-body rendered-diff">{diff}</div>'
    '\n    <p><a href="{compare}?from={baseline}&amp;to={current}">Open the '
    "comparison</a></p>"
    "\n  </details>"
    "\n  "
)
_ENTRY_ACKNOWLEDGE = (
    '\n  <p class="ack-form">'
    '\n    <button type="submit" form="acknowledge-one" formaction="{}" '
    'name="number" value="{}"{}>I have read v{}</button>'
    "\n  </p>"
    "\n  "
)


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _digest_entry(entry, personal: bool, links, zone) -> str:
    document, baseline = entry.document, entry.baseline
    current, doc_id = entry.current_number, document.doc_id
    version_url, document_url, history_url, compare_url, acknowledge_url = links
    url = escape(document_url(doc_id))
    badge = ""
    if personal:
        badge = (
            '<span class="badge major">needs acknowledgment</span>'
            if entry.needs_acknowledgment
            else '<span class="badge">minor only</span>'
        )
    versions = _version_items(doc_id, entry.versions, version_url, zone)
    earlier = ""
    if entry.earlier:
        earlier = _ENTRY_EARLIER.format(
            entry.earlier,
            _plural(entry.earlier),
            f" since v{baseline}" if baseline else "",
            escape(history_url(doc_id)),
        )
    change = ""
    if baseline:
        stats = ""
        if not entry.too_different:
            added, removed = entry.stats.words_added, entry.stats.words_removed
            stats = f" ({added} word{_plural(added)} added, {removed} removed)"
        change = _ENTRY_CHANGE.format(
            baseline=baseline,
            current=current,
            stats=stats,
            diff=entry.diff,  # the comparison's own HTML (diffing/)
            compare=escape(compare_url(doc_id)),
        )
    acknowledge = ""
    if personal:
        acknowledge = _ENTRY_ACKNOWLEDGE.format(
            escape(acknowledge_url(doc_id)),
            current,
            ' class="primary"' if entry.needs_acknowledgment else "",
            current,
        )
    return _ENTRY.format(
        doc_id=escape(doc_id),
        url=url,
        current=current,
        badge=badge,
        title=escape(document.title),
        owner=escape(document.owner.display_name),
        category=escape(document.category.name),
        # Not get_audience_display(), which flattens the choices on every call.
        audience=escape(Audience(document.audience).label),
        since=f"changes since v{baseline}" if baseline else "new document",
        versions=versions,
        earlier=earlier,
        change=change,
        acknowledge=acknowledge,
    )


@register.simple_tag
def digest_entries(entries, personal: bool) -> SafeString:
    """One `<article>` per digest entry (selectors.digest.DigestEntry): the
    document, the versions since the reader's baseline (each carrying whether
    it was withdrawn), the change from the baseline and, in a personal digest,
    whether it needs acknowledging and the button that does."""
    links = (
        addresses_of("docs_registry:version", str, int),
        *(
            addresses_of(f"docs_registry:{name}", str)
            for name in ("document", "history", "compare", "acknowledge")
        ),
    )
    zone = _zone()
    articles = "".join(_digest_entry(entry, personal, links, zone) for entry in entries)
    return mark_safe(articles)  # noqa: S308 -- escaped, or ours (see above)


_HISTORY_ROW = (
    '\n    <tr class="entry-{}">'
    '\n      <td data-label="When"><time datetime="{}">{}</time></td>'
    '\n      <td data-label="What">{}</td>'
    '\n      <td data-label="Who">{}</td>'
    '\n      <td data-label="Summary or reason">{}</td>'
    "\n    </tr>"
)

_CHANGE = "<li>{}: <del>{}</del> &rarr; <ins>{}</ins></li>"


def _history_what(document, entry, version_url, compare_url: str) -> str:
    version = entry.version
    if version is None:
        changes = "".join(
            _CHANGE.format(escape(field), escape(old), escape(new))
            for field, old, new in entry.changes
        )
        listed = f'<ul class="changes">{changes}</ul>' if changes else ""
        return f"{escape(str(entry.kind_label))}{listed}"
    number, significance = version.number, escape(version.significance)
    url = version_url(document.doc_id, number)
    what = (
        f'<a href="{escape(url)}">v{number}</a> '
        f'<span class="badge {significance}">{significance}</span>'
    )
    if version.pk == document.pending_version_id:
        what += (
            f' <span class="effective pending">effective '
            f"{day_label(version.effective_at)} (not yet in force)</span>"
        )
    elif entry.withdrawn:
        what += (
            ' <span class="effective withdrawn">withdrawn before it applied (was '
            f"announced for {day_label(version.effective_at)})</span>"
        )
    elif version.effective_at is not None:
        what += (
            f' <span class="effective">in force from {day_label(version.effective_at)}'
            "</span>"
        )
    if number > 1:
        what += (
            f' <a class="small" href="{compare_url}?from={number - 1}&amp;'
            f'to={number}">compare with previous</a>'
        )
    return what


def _history_row(document, entry, version_url, compare_url, zone) -> str:
    when = entry.when.astimezone(zone)
    who = entry.who.display_name if entry.who is not None else ""
    return _HISTORY_ROW.format(
        escape(entry.kind),
        when.isoformat(),
        f"{day_text(when)}, {when:%H:%M}",
        _history_what(document, entry, version_url, compare_url),
        escape(who) if who else "&mdash;",
        escape(entry.summary),
    )


@register.simple_tag
def history_rows(document, entries) -> SafeString:
    """One `<tr>` per history entry (selectors.HistoryEntry) of `document`: when,
    what (the version, with a link to the change it made, or the fields changed),
    who and the summary or reason."""
    version_url, zone = addresses_of("docs_registry:version", str, int), _zone()
    compare_url = escape(address("docs_registry:compare", document.doc_id))
    rows = "".join(
        _history_row(document, entry, version_url, compare_url, zone)
        for entry in entries
    )
    return mark_safe(rows)  # noqa: S308 -- escaped, or dates and numbers


@register.simple_tag
def version_options(newest: int, selected: int) -> SafeString:
    """`<option>` for each version from v`newest` down to v1, `selected` chosen."""
    options = (
        f'<option value="{n}"{" selected" if n == selected else ""}>v{n}</option>'
        for n in range(int(newest), 0, -1)
    )
    return mark_safe("".join(options))  # noqa: S308 -- numbers only


_HIT = (
    '\n  <li class="search-hit{}">'
    '\n    <p class="search-hit-title">'
    "\n      {}"
    '\n      <a href="{}">{}</a>'
    "\n      {}"
    "\n    </p>"
    '\n    <p class="search-snippet">{}</p>'
    "\n  </li>\n  "
)
_GLOSSARY = '<span class="badge">Glossary</span>'


def _hit(hit) -> str:
    # The title and the snippet are escaped already, with their <mark>s added
    # (search.py); the rest is escaped here.
    url = escape(hit.url)
    cited = f'<a class="doc-id" href="{url}">{escape(hit.doc_id)}</a>'
    return _HIT.format(
        " retired" if hit.retired else "",
        _GLOSSARY if hit.kind == "term" else cited,
        url,
        conditional_escape(hit.title),
        _RETIRED.lstrip() if hit.retired else "",
        conditional_escape(hit.snippet),
    )


@register.simple_tag
def search_hits(hits) -> SafeString:
    """One `<li>` per hit (search.Hit) of a results page."""
    return mark_safe("".join(map(_hit, hits)))  # noqa: S308 -- escaped above


_PAGES = (
    '\n<nav class="pagination" aria-label="Pages">'
    "\n  {}"
    "\n  <span>Page {} of {}</span>"
    "\n  {}"
    "\n</nav>\n"
)


@register.simple_tag
def pagination(page, query_string="") -> SafeString:
    """The pages of a list around `page` (a Paginator's page), each link keeping
    `query_string` (the filters, ready to take `page=`), or nothing but a line
    when there is one page."""
    if not page.has_other_pages():
        return mark_safe("\n")  # noqa: S308 -- ours
    query = conditional_escape(query_string)
    previous = (
        f'<a href="?{query}page={page.previous_page_number()}" rel="prev">'
        "&larr; Previous</a>"
        if page.has_previous()
        else ""
    )
    following = (
        f'<a href="?{query}page={page.next_page_number()}" rel="next">Next &rarr;</a>'
        if page.has_next()
        else ""
    )
    html = _PAGES.format(previous, page.number, page.paginator.num_pages, following)
    return mark_safe(html + "\n")  # noqa: S308 -- escaped, or numbers
