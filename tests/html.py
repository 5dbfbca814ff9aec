"""Reading the HTML a page served: elements by tag, class and id, and their text,
so that a test names the element it means rather than a word the header might
also contain."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside, whitespace collapsed."""
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join(" ".join(parts).split())

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def select(self, tag: str = "", *, cls: str = "", id: str = "") -> list[Element]:
        """Every element below this one with that tag, class and id, in order."""
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if (
                (not tag or child.tag == tag)
                and (not cls or cls in child.classes)
                and (not id or child.attrs.get("id") == id)
            ):
                found.append(child)
            found.extend(child.select(tag, cls=cls, id=id))
        return found

    def one(self, tag: str = "", *, cls: str = "", id: str = "") -> Element:
        [element] = self.select(tag, cls=cls, id=id)
        return element


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse(response_or_html) -> Element:
    """The page as a tree; takes a response or its HTML."""
    html = getattr(response_or_html, "content", response_or_html)
    if isinstance(html, bytes):
        html = html.decode()
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def main(response_or_html) -> Element:
    """The page's <main>: everything but the header every page shares."""
    return parse(response_or_html).one("main")


def column(response_or_html, table_cls: str, index: int = 0) -> list[str]:
    """The text of one column of a table's body rows (not its head)."""
    table = main(response_or_html).select("table", cls=table_cls)[0]
    return [
        cells[index].text
        for row in table.select("tbody")[0].select("tr")
        if len(cells := row.select("td")) > index and "colspan" not in cells[0].attrs
    ]
