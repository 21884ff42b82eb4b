"""Pre-rendering: every document of a release, rendered once by the app's own routes.

A document is a pure function of the release, which is immutable, so each one - the document
about every resource we mint (``/doc/{key}``, in every format, HTML in every interface
language), the home page, the vocabulary and the shapes - is rendered once by calling the app
in-process (the same routes, templates and serialisers as a live request), and kept in
``releases/<v>/site/`` with a manifest. Whatever the pages look like, that is what is kept.
Then every page the rendered pages link to that is a pure function of the release too
(``linked.py``: comparison, term, chart and example-query pages, later pages of a resource
page) is rendered and kept the same way (:func:`follow`), with the site's own 404 page.

``web/rendered.py`` serves these files on the hot path; ``static_site.py`` writes them as a
site for nginx, Apache or a plain static host.

Rendering every document costs time and disk in proportion to the resources (about 30 ms and
6 KB a document, six documents a resource and two more per extra interface language): a
minute for a report, hours for a million triples. Above :data:`LAZY_ABOVE` resources (or when
asked) the release is pre-rendered *lazily*: only the manifest (its resource keys) is written,
and the server renders each document on its first request and keeps it (``web/lazy.py``).
"""

from __future__ import annotations

import importlib
import json
import logging
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from .errors import ConfigError, ReleaseError
from .formats import BY_NAME, Format
from .iris import document_path, is_key
from .layout import HOME_PAGE, Release, site_folder, site_manifest
from .linked import ERROR_PAGE, LINKED, linked, linked_file, links
from .results import Choice
from .settings import Settings
from .store import Job, Store

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

log = logging.getLogger(__name__)

#: Bump when the manifest or the folder's layout changes: an older site is then rendered again.
SITE_FORMAT = 2
#: Above this many resources ``auto`` pre-renders lazily (on first request) instead of eagerly.
LAZY_ABOVE = 5000
#: How ``render_site`` may pre-render: every document now, on first request, or by size.
MODES = ("auto", "eager", "lazy")
#: The headers of a route's answer the front replays besides its type and Vary: a comparison
#: page's or a query's Cache-Control, the format an example query chose, its results' limit.
KEPT_HEADERS = ("cache-control", "content-location", "x-result-limit", "x-result-truncated")
#: Non-default interface languages are kept under this folder: ``lang/es/doc/...``.
LANGUAGE_FOLDER = "lang"
KEYS = """SELECT DISTINCT ?t WHERE {{
  {{ ?t ?p ?o }} UNION {{ ?s ?p ?t }}
  FILTER(isIRI(?t) && STRSTARTS(STR(?t), "{prefix}"))
}}"""


@dataclass(frozen=True)
class Document:
    """One rendered document: the URL path it answers (as requested, percent-encoded), its file
    in the site folder (decoded, as a static server maps paths to files), its type, language."""

    path: str
    file: str
    content_type: str
    language: str = ""
    vary: str = ""  # the route's Vary header: pages vary by language as well as by Accept
    #: The route's other headers that carry meaning (:data:`KEPT_HEADERS`), replayed as sent.
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Site:
    """The pre-rendered documents of one release, read from (or written to) its manifest."""

    folder: Path
    fingerprint: str
    version: str
    base: str
    languages: tuple[str, ...]
    keys: frozenset[str]
    documents: list[Document] = field(default_factory=list)
    seconds: float = 0.0
    lazy: bool = False  # nothing rendered yet: each document is rendered on first request

    @property
    def size(self) -> int:
        """The bytes the rendered files take."""
        return sum((self.folder / d.file).stat().st_size for d in self.documents)

    def write_manifest(self, file: Path) -> None:
        manifest = {
            "format": SITE_FORMAT,
            "fingerprint": self.fingerprint,
            "version": self.version,
            "base": self.base,
            "languages": list(self.languages),
            "keys": sorted(self.keys),
            "seconds": round(self.seconds, 3),
            "lazy": self.lazy,
            "documents": [asdict(d) for d in self.documents],
        }
        file.write_text(json.dumps(manifest, indent=0), encoding="utf-8")

    @classmethod
    def read(cls, release: Release) -> Site | None:
        """The release's pre-rendered site, if there is one rendered from this very release."""
        file = site_manifest(release.path)
        try:
            manifest: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if (
            manifest.get("format") != SITE_FORMAT
            or manifest.get("fingerprint") != release.fingerprint
        ):
            return None  # rendered from other data: stale, never served
        return cls(
            site_folder(release.path),
            str(manifest["fingerprint"]),
            str(manifest["version"]),
            str(manifest["base"]),
            tuple(manifest["languages"]),
            frozenset(manifest["keys"]),
            [Document(**d) for d in manifest["documents"]],
            float(manifest.get("seconds", 0.0)),
            bool(manifest.get("lazy", False)),
        )


def interface_languages() -> tuple[str, ...]:
    """The languages pages are written in, as the app declares them (``web/i18n.py``'s
    ``LANGUAGES``, the default first); without one, just the default (``""``)."""
    try:
        module = importlib.import_module("lima_lod.web.i18n")
    except ImportError:
        return ("",)
    languages = tuple(str(code) for code in getattr(module, "LANGUAGES", ()))
    return languages or ("",)


def resource_keys(store: Store, settings: Settings) -> list[str]:
    """The key of every resource we mint that the store says anything about."""
    prefix = settings.iris.resource_prefix
    query = KEYS.format(prefix=prefix.replace("\\", "\\\\").replace('"', '\\"'))
    answer = store.run(Job(query, Choice("json", "json", "ntriples"), 1 << 62), 3600.0)
    rows = json.loads(answer.body)["results"]["bindings"]
    keys = (row["t"]["value"][len(prefix) :] for row in rows)
    return sorted(k for k in keys if is_key(k))


def language_file(file: str, language: str, default: str) -> str:
    """Where an HTML document in one interface language is kept (the default at the top)."""
    return file if language == default else f"{LANGUAGE_FOLDER}/{language}/{file}"


def plan(
    keys: list[str], release: Release, languages: tuple[str, ...]
) -> Iterator[tuple[str, dict[str, str], Document]]:
    """What to render: (request path with query, request headers, the document it makes)."""
    from .web.resources import DOCUMENT_FORMATS, TERM_FORMATS

    default = languages[0]

    def variants(
        path: str, file: str, fmt: Format, accept: str | None = None
    ) -> Iterator[tuple[str, dict[str, str], Document]]:
        headers = {"accept": accept} if accept else {}
        for language in languages if fmt.name == "html" else (default,):
            query = f"?lang={language}" if language and language != default else ""
            yield (
                path + query,
                headers,
                Document(
                    path,
                    language_file(file, language, default),
                    fmt.content_type,
                    language if fmt.name == "html" else "",
                ),
            )

    yield from variants("/", HOME_PAGE, BY_NAME["html"])
    for key in keys:
        for fmt in DOCUMENT_FORMATS:
            path = document_path(key, fmt.suffix)
            yield from variants(path, unquote(path.lstrip("/")), fmt)
    terms = [("/def/cfu", "def/cfu", TERM_FORMATS), ("/def/shapes", "def/shapes", TERM_FORMATS[1:])]
    if release.vocabulary_version:
        version = release.vocabulary_version
        terms.append((f"/def/cfu/{version}", f"def/cfu/{version}", TERM_FORMATS))
    for path, stem, formats in terms:
        for fmt in formats:
            yield from variants(path, stem + fmt.suffix, fmt, fmt.media_type)


def render_site(
    settings: Settings, release: Release, store: Store | None = None, mode: str = "eager"
) -> Site:
    """Render every document of a release with the app's own routes, into its ``site/`` folder.

    Args:
        settings: as the release will be served (the public URL is written into pages).
        release: the release to render.
        store: a store over that release (opened here if not given).
        mode: ``eager`` renders every document now; ``lazy`` writes only the manifest, for the
            server to render each document on first request; ``auto`` is lazy above
            :data:`LAZY_ABOVE` resources.
    """
    if mode not in MODES:
        raise ConfigError(f"pre-rendering mode is {mode!r}; expected one of {', '.join(MODES)}")
    from fastapi.testclient import TestClient

    from .store import EmbeddedStore
    from .web.app import create_app

    started = time.monotonic()
    store = store or EmbeddedStore.open(settings, release)
    folder = site_folder(release.path)
    manifest = site_manifest(release.path)
    # Rendered beside the old site and swapped in at the end: a failed render leaves the old
    # site (or none), never half a site.
    partial = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    keys = resource_keys(store, settings)
    languages = interface_languages()
    lazy = mode == "lazy" or (mode == "auto" and len(keys) > LAZY_ABOVE)
    if lazy:
        partial.mkdir(parents=True)
        documents: list[Document] = []
    else:
        # Rendering bypasses the pre-rendered layer: this is what it is made of.
        app = create_app(settings, store, prerendered=False)
        try:
            with TestClient(app, base_url=settings.public) as client:
                documents = _render(client, plan(keys, release, languages), partial, languages)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    manifest.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    site = Site(
        folder,
        release.fingerprint,
        release.version,
        settings.base,
        languages,
        frozenset(keys),
        documents,
        time.monotonic() - started,
        lazy,
    )
    site.write_manifest(manifest)
    return site


def _render(
    client: TestClient,
    todo: Iterator[tuple[str, dict[str, str], Document]],
    folder: Path,
    languages: tuple[str, ...],
) -> list[Document]:
    """Request each planned document, then every linked page the rendered pages link to
    (:func:`follow`), and write their bytes into the folder; then the error page."""
    documents: list[Document] = []
    seen = {p for p in LINKED if not p.endswith("/")}  # the entry points, linked or not
    pages = sorted(seen)
    for path, headers, document in todo:
        response = _get(client, path, headers)
        if response.status_code in (404, 406) and path.startswith("/def/"):
            continue  # the release lacks the vocabulary or that format: not published
        if response.status_code != 200:
            raise ReleaseError(
                f"pre-rendering {path}: the app answered "
                f"{response.status_code}: {response.text[:200]}"
            )
        documents.append(_keep(folder, document, response))
        if document.content_type.startswith("text/html"):
            pages += _new(path, seen, response.content)
    documents += follow(client, pages, seen, folder, languages)
    for language in languages:
        query = f"?lang={language}" if language != languages[0] else ""
        # A path no route has: the app's own 404 page, in the frame, for a static host.
        response = _get(client, f"/{ERROR_PAGE}{query}", {"accept": "text/html"})
        target = folder / language_file(ERROR_PAGE, language, languages[0])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(response.content)
    return documents


def _get(client: TestClient, path: str, headers: dict[str, str]) -> Any:
    client.cookies.clear()  # a page in one language sets a cookie the next must not carry
    return client.get(path, headers=headers, follow_redirects=False)


def _keep(folder: Path, document: Document, response: Any) -> Document:
    """Write a rendered answer's bytes; the document as the manifest keeps it."""
    target = folder / document.file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(response.content)
    return Document(
        document.path,
        document.file,
        response.headers["content-type"],
        document.language,
        response.headers.get("vary", ""),
        {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers},
    )


def follow(
    client: TestClient,
    todo: list[str],
    seen: set[str],
    folder: Path,
    languages: tuple[str, ...],
) -> list[Document]:
    """Render the linked pages ``todo`` (in each language its answer varies by), and every
    linked page they link to in turn that is not ``seen`` yet."""
    default = languages[0]
    documents: list[Document] = []
    while todo:
        path = todo.pop()
        for language in languages:
            query = f"lang={language}" if language != default else ""
            url = path + ("&" if "?" in path else "?") + query if query else path
            response = _get(client, url, {"accept": "text/html"})
            if response.status_code != 200:
                log.warning("not rendered: %s answers %s", url, response.status_code)
                break
            varies = "accept-language" in response.headers.get("vary", "").lower()
            file = linked_file(path)
            document = Document(
                path,
                language_file(file, language, default) if varies else file,
                response.headers["content-type"],
                language if varies else "",
            )
            documents.append(_keep(folder, document, response))
            if response.headers["content-type"].startswith("text/html"):
                todo += _new(url, seen, response.content)
            if not varies:
                break
    return documents


def _new(page: str, seen: set[str], body: bytes) -> list[str]:
    """The linked pages a page links to that are not yet seen (marked seen now)."""
    out = []
    for link in links(body):
        found = linked(link, page)
        if found is not None and found not in seen:
            seen.add(found)
            out.append(found)
    return out
