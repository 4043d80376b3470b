"""A small HTML tree for the page tests: find elements by tag and class, and read their text as a reader sees it."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from .concept_note import squash

# The meeting `load_imrf` creates: /imrf-100-days/, /imrf-100-days/agenda/, ...
IMRF_SLUG = "imrf-100-days"

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements a browser lays out as separate blocks: their text never runs into a neighbour's.
BLOCK_TAGS = {
    "article", "br", "caption", "dd", "div", "dl", "dt", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "li", "main", "nav", "ol", "p", "section", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list = field(default_factory=list)  # Elements and strings

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str, class_: str | None = None, **attrs) -> list["Element"]:
        return [
            element
            for element in self.iter()
            if element.tag == tag
            and (class_ is None or class_ in element.classes)
            and all(element.attrs.get(name) == value for name, value in attrs.items())
        ]

    def find(self, tag: str, class_: str | None = None, **attrs) -> "Element":
        found = self.find_all(tag, class_, **attrs)
        assert len(found) == 1, f"expected one <{tag} class={class_} {attrs}>, found {len(found)}"
        return found[0]

    def child_elements(self, tag: str) -> list["Element"]:
        return [child for child in self.children if isinstance(child, Element) and child.tag == tag]

    def _text_parts(self):
        block = self.tag in BLOCK_TAGS
        if block:
            yield " "
        for child in self.children:
            if isinstance(child, Element):
                yield from child._text_parts()
            else:
                yield child
        if block:
            yield " "

    @property
    def text(self) -> str:
        return squash("".join(self._text_parts()))


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        # Close up to the matching open tag, as browsers do with an unclosed <p> or <li>.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(content: str | bytes) -> Element:
    builder = _TreeBuilder()
    builder.feed(content.decode() if isinstance(content, bytes) else content)
    builder.close()
    return builder.root
