"""Reading a page's HTMX attributes as the browser would: which links HTMX boosts, and
where their answer goes."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[dict] = []
        self.links: list[tuple[str, bool, str | None]] = []

    def _inherited(self, attribute: str) -> str | None:
        for attrs in reversed(self.stack):
            if attribute in attrs:
                return attrs[attribute]
        return None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.stack.append(attrs)
            boosted = self._inherited("hx-boost") == "true" or "hx-get" in attrs
            self.links.append((attrs["href"], boosted, self._inherited("hx-target")))
            self.stack.pop()
        if tag not in VOID:
            self.stack.append(attrs)

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()


def links(html: str) -> list[tuple[str, bool, str | None]]:
    """Every link of `html` as (href, followed by HTMX, the HTMX target it inherits)."""
    parser = _Links()
    parser.feed(html)
    return parser.links


def boosted(html: str) -> list[str]:
    """The hrefs of the links HTMX follows by swapping part of the page."""
    return [href for href, is_boosted, _ in links(html) if is_boosted]
