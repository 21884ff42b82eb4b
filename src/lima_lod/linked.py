"""The pages a page links to that are kept beside the documents, and where they are kept.

Besides the documents about resources (``prerender.plan``), the pages link to other pages that
are pure functions of the release too: comparison pages, vocabulary terms, charts, example
queries (and their ``?format=`` variants), a resource page's later pages (``?page=``), the
favicon. ``prerender.follow`` finds them by these rules in the pages it renders;
``web/rendered.py`` answers them, ``static_site.py`` writes them and the rules that serve them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from .formats import BY_NAME
from .iris import DOCUMENT_PATH

#: The pages besides documents that are pure functions of the release too (comparison pages,
#: vocabulary terms, charts, example queries, the favicon): rendered as the pages link to them
#: (``prerender.follow``), answered by the front like documents, written into the static site.
LINKED = ("/compare", "/term/", "/charts/", "/queries", "/favicon.ico")
#: The query parameters besides ``lang`` that pick a variant of a page, and the paths they do
#: it on: an example query's ``?format=`` (its text, its results in each format, its page), a
#: resource page's ``?page=`` (the next links pointing to it). The pages link to each as
#: ``?name=value``, one at most, and so are they rendered and kept.
VARIANTS = {"format": ("/queries",), "page": (DOCUMENT_PATH,)}
#: A variant's value as the pages write it (a format's name, a page's number).
VARIANT_VALUE = re.compile(r"^[a-z0-9+-]{1,40}$")
#: Pages after the first of a resource page are kept under ``page/{n}/``.
PAGED_FOLDER = "page"
#: The error page a static host answers for a path it does not hold (the app's own 404 page).
ERROR_PAGE = "404.html"


def linked(link: str, page: str) -> str | None:
    """The linked page a link on ``page`` names (its path, with its ``?format=``), or None for
    anything else: documents, other hosts, the dynamic pages, other query parameters."""
    url = urlsplit(urljoin(page, link))
    paged = url.path.startswith(DOCUMENT_PATH) and url.path.endswith(BY_NAME["html"].suffix)
    if url.scheme or url.netloc or not (url.path.startswith(LINKED) or paged):
        return None
    params = [(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True) if k != "lang"]
    found = variant(url.path, params)
    if not found:
        return None if found is None or paged else url.path
    name, value = found.split("=", 1)
    return f"{url.path}?{found}" if name != "format" or value in BY_NAME else None


def variant(path: str, params: list[tuple[str, str]]) -> str | None:
    """The variant (``name=value``) query parameters other than ``lang`` ask for on a path,
    ``""`` for none; None if they ask for anything else (only the app can answer that)."""
    if not params:
        return ""
    if len(params) > 1:
        return None
    name, value = params[0]
    if not path.startswith(VARIANTS.get(name, ())) or not VARIANT_VALUE.match(value):
        return None
    return f"{name}={value}"


def linked_file(path: str) -> str:
    """Where a linked page is kept: ``/compare`` -> ``compare.html``, an example query's
    ``?format=xml`` -> ``queries/{name}.xml`` (the format's name: a static server maps the
    parameter to the file as it is), a chart under its own name."""
    path, _, query = path.partition("?")
    name = unquote(path).lstrip("/")
    if query.startswith("page="):
        return f"{PAGED_FOLDER}/{query.split('=', 1)[1]}/{name}"
    if query:
        return f"{name}.{query.split('=', 1)[1]}"
    return name if "." in name.rsplit("/", 1)[-1] else name + BY_NAME["html"].suffix


def links(body: bytes) -> list[str]:
    """Every ``href`` and ``src`` of an HTML page."""
    collector = _Links()
    collector.feed(body.decode("utf-8", "replace"))
    return collector.found


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v for k, v in attrs if k in ("href", "src") and v]
