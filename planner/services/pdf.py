"""PDF from the same HTML as the print view, with WeasyPrint, fetching nothing outside.

The URL fetcher serves the application's own static files and organisation logos and
themes from the database; every other address is refused, so that text entered by
users cannot make the server request other addresses.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from planner.extensions import db
from planner.models import Organisation

# An address that exists only inside the renderer: nothing resolves it on a network.
INTERNAL_BASE = "http://planner.internal/"
log = logging.getLogger(__name__)


class RestrictedFetcher(URLFetcher):
    """Serve static files, logos and themes; refuse everything else."""

    def __init__(self, static_folder: str) -> None:
        super().__init__(timeout=1, allowed_protocols={"http"}, allow_redirects=False)
        self.static = Path(static_folder).resolve()

    def fetch(self, url, headers=None):
        """Return a local resource for an internal address, or refuse."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != INTERNAL_BASE:
            log.warning("PDF rendering refused to fetch %s", url[:200])
            raise URLFetchingError(f"refused: {url[:200]}")
        path = parts.path
        if path.startswith("/static/"):
            target = (self.static / path.removeprefix("/static/")).resolve()
            if self.static not in target.parents or not target.is_file():
                raise URLFetchingError("no such static file")
            mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": mime})
        segments = path.strip("/").split("/")
        if len(segments) == 3 and segments[0] == "branding" and segments[1].isdigit():
            organisation = db.session.get(Organisation, int(segments[1]))
            if organisation is not None and segments[2] == "logo" and organisation.logo:
                return URLFetcherResponse(
                    url, organisation.logo, {"Content-Type": organisation.logo_mime}
                )
            if organisation is not None and segments[2] == "theme.css":
                css = f":root {{ --accent: {organisation.accent_colour}; }}\n"
                return URLFetcherResponse(url, css, {"Content-Type": "text/css"})
        raise URLFetchingError("not found")


def render_pdf(html: str) -> bytes:
    """Render print-view HTML to PDF."""
    fetcher = RestrictedFetcher(current_app.static_folder)
    return HTML(string=html, base_url=INTERNAL_BASE, url_fetcher=fetcher).write_pdf()
