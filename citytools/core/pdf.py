"""PDFs from self-contained HTML with WeasyPrint, never reaching the network or the disk.

The print templates carry their own styles and no images, and WeasyPrint is given a URL
fetcher that refuses everything but inline `data:` URLs, so rendering fetches nothing,
whatever the text in a document contains.

Every PDF also gets PRINT_RULES, the page-break rules of every document: a table row is never
split across two pages (its header row is repeated on the next page instead), and a heading
stays with what follows it.

The same HTML always makes the same document, so the last few are kept in memory, keyed by
their whole HTML: a challenge's document or a supplier pack asked for again, by the same
person or by anyone shown exactly the same text, is not laid out again. A viewer who may see
more or less gets different HTML, hence a different key.

WeasyPrint is imported inside the functions that use it, on purpose: it loads Pango and
its fonts (a second or more), and only the few requests that print a PDF need it.
"""

import functools

PRINT_RULES = """
tr, th, td { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
tfoot { display: table-footer-group; }
caption, h1, h2, h3, h4, dt { break-after: avoid; page-break-after: avoid; }
"""


def offline_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        """Refuses every URL but inline data: the PDF never fetches anything."""

        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                raise ValueError(f"Not fetched: documents use no outside resources ({url[:60]}).")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols=["data"])


# How many rendered documents each process keeps (a challenge document is tens of kilobytes).
KEPT = 32


def write_pdf(html: str, *, base_url: str | None = None) -> bytes:
    return _render(html, base_url)


@functools.lru_cache(maxsize=KEPT)
def _render(html: str, base_url: str | None) -> bytes:
    from weasyprint import CSS, HTML

    fetcher = offline_fetcher()
    rules = CSS(string=PRINT_RULES, url_fetcher=fetcher)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(stylesheets=[rules])
