"""PDFs from self-contained HTML with WeasyPrint, never reaching the network or the disk.

The print templates carry their own styles and no images, and WeasyPrint is given a URL
fetcher that refuses everything but inline `data:` URLs, so rendering fetches nothing,
whatever the text in a document contains.
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


def write_pdf(html: str, *, base_url: str | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=offline_fetcher()).write_pdf()
