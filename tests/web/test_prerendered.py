"""Pre-rendered documents answer exactly as the dynamic routes do, without a query.

Two apps over the same release: one with the pre-rendered layer, one without. For every kind of
document request (each format by suffix, each by negotiation, the 303s, the home page, the
errors) status, the headers that carry meaning and the body must be the same.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webkit import make_settings, quads, write_release

from lima_lod.layout import find_release, site_manifest
from lima_lod.prerender import Site, render_site
from lima_lod.settings import Settings
from lima_lod.store import EmbeddedStore
from lima_lod.web.app import create_app
from lima_lod.web.rendered import Prerendered

#: Headers only a pre-rendered answer has (the release's validators), or that change with time.
VALIDATORS = ("etag", "last-modified", "date", "server")
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

#: The pages besides documents the pages link to: comparison, term, example-query pages (each
#: ``?format=``, negotiated, each language), the favicon, and ones that are not there.
LINKED_REQUESTS = [
    ("GET", "/compare", HTML),
    ("GET", "/compare?lang=es", HTML),
    ("GET", "/compare/commitment/1", HTML),
    ("GET", "/compare/commitment/999", HTML),
    ("GET", "/term/Commitment", HTML),
    ("GET", "/term/Commitment?lang=es", None),
    ("GET", "/queries", HTML),
    ("GET", "/queries", "application/json"),
    ("GET", "/queries?format=json", None),
    ("GET", "/queries/axis-averages", HTML),
    ("GET", "/queries/axis-averages?lang=es", HTML),
    ("GET", "/queries/axis-averages", None),
    ("GET", "/queries/axis-averages", "text/csv"),
    ("GET", "/queries/axis-averages", "text/turtle"),
    ("GET", "/queries/axis-averages?format=xml", None),
    ("GET", "/queries/axis-averages?format=html&lang=es", None),
    ("GET", "/queries/axis-averages?format=text/csv", None),
    ("GET", "/queries/no-such-query", HTML),
    ("HEAD", "/favicon.ico", None),
]

#: (method, path, Accept) for every kind of document request.
REQUESTS = [
    *[("GET", f"/doc/commitment/1{s}", None) for s in (".html", ".ttl", ".jsonld", ".nt", ".rdf")],
    ("GET", "/doc/observation/mx-2021/3/relevance.ttl", None),
    ("GET", "/doc/commitment/1", None),
    ("GET", "/doc/commitment/1", HTML),
    ("GET", "/doc/commitment/1", "text/turtle"),
    ("GET", "/doc/commitment/1", "application/ld+json"),
    ("GET", "/doc/commitment/1", "application/n-triples, text/turtle;q=0.5"),
    ("GET", "/doc/commitment/1", "application/rdf+xml"),
    ("GET", "/doc/commitment/1", "text/*"),
    ("GET", "/doc/commitment/1", "image/png"),
    ("GET", "/id/commitment/1", None),
    ("GET", "/id/commitment/1", HTML),
    ("GET", "/id/commitment/1", "text/turtle"),
    ("GET", "/id/commitment/1", "application/ld+json;q=0.9, application/rdf+xml"),
    ("GET", "/id/commitment/1", "image/png"),
    ("GET", "/id/commitment/999", "text/turtle"),
    ("GET", "/doc/commitment/999.ttl", None),
    ("GET", "/doc/commitment/999", None),
    ("GET", "/", HTML),
    ("HEAD", "/doc/commitment/1.ttl", None),
    ("HEAD", "/id/commitment/1", "text/turtle"),
    ("GET", "/doc/commitment/1.ttl?format=nt", None),
    *LINKED_REQUESTS,
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Site]:
    dist = tmp_path_factory.mktemp("prerendered")
    write_release(dist, quads())
    settings = make_settings(dist)
    return settings, render_site(settings, find_release(dist))


@pytest.fixture(scope="module")
def clients(rendered: tuple[Settings, Site]) -> Iterator[tuple[TestClient, TestClient]]:
    settings, _ = rendered
    store = EmbeddedStore.open(settings)
    with (
        TestClient(create_app(settings, store)) as fast,
        TestClient(create_app(settings, store, prerendered=False)) as slow,
    ):
        yield fast, slow


def _answer(
    client: TestClient, method: str, path: str, accept: str | None, validators: bool = False
) -> tuple[int, dict[str, str], bytes]:
    """Status, every header (each once; without the validators unless asked) and body."""
    headers = {"accept": accept} if accept else {}
    client.cookies.clear()
    response = client.request(method, path, headers=headers, follow_redirects=False)
    names = [name.decode().lower() for name, _ in response.headers.raw]
    assert len(names) == len(set(names)), f"a header sent twice: {names}"
    return (
        response.status_code,
        {h: v for h, v in response.headers.items() if validators or h not in VALIDATORS},
        response.content,
    )


def test_the_layer_is_in_front_of_the_app(clients: tuple[TestClient, TestClient]) -> None:
    fast, slow = clients
    # In front of every layer of the app: it answers before CORS and the security headers run.
    assert isinstance(fast.app.front, Prerendered)  # type: ignore[attr-defined]
    assert slow.app.front is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(("method", "path", "accept"), REQUESTS)
def test_prerendered_equals_dynamic(
    clients: tuple[TestClient, TestClient], method: str, path: str, accept: str | None
) -> None:
    fast, slow = clients
    assert _answer(fast, method, path, accept) == _answer(slow, method, path, accept)


@pytest.mark.parametrize(
    ("path", "accept", "prerendered"),
    [
        ("/doc/commitment/1.ttl", None, True),
        ("/doc/commitment/1", "text/turtle", True),
        ("/", HTML, True),
        ("/doc/commitment/1.ttl?format=nt", None, False),  # a query string: dynamic
        ("/doc/commitment/999.ttl", None, False),  # not rendered: the route's 404
        ("/compare?lang=es", HTML, True),
        ("/queries/axis-averages", "text/csv", True),
        ("/queries/axis-averages?format=tsv", None, True),
        ("/term/Commitment", HTML, True),
    ],
)
def test_which_requests_are_answered_from_the_site(
    clients: tuple[TestClient, TestClient], path: str, accept: str | None, prerendered: bool
) -> None:
    fast, _ = clients
    fast.cookies.clear()  # a page asked for with ?lang= sets one
    response = fast.get(path, headers={"accept": accept} if accept else {})
    # Only pre-rendered documents carry the release's ETag.
    assert ("etag" in response.headers) is prerendered


def test_conditional_requests_get_304(clients: tuple[TestClient, TestClient]) -> None:
    fast, _ = clients
    first = fast.get("/doc/commitment/1", headers={"accept": "text/turtle"})
    etag = first.headers["etag"]
    again = fast.get("/doc/commitment/1", headers={"accept": "text/turtle", "if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["vary"] == "Accept"
    other = fast.get(
        "/doc/commitment/1", headers={"accept": "application/ld+json", "if-none-match": etag}
    )
    assert other.status_code == 200 and other.headers["etag"] != etag
    since = fast.get(
        "/doc/commitment/1.ttl", headers={"if-modified-since": first.headers["last-modified"]}
    )
    assert since.status_code == 304


def test_every_rendered_file_is_what_the_route_answers(
    rendered: tuple[Settings, Site], clients: tuple[TestClient, TestClient]
) -> None:
    _, site = rendered
    _, slow = clients
    kinds = {
        d.path.rsplit(".", 1)[-1] if d.path.startswith("/doc/") else d.path for d in site.documents
    }
    assert {"html", "ttl", "jsonld", "nt", "rdf", "/"} <= kinds
    for document in site.documents[:40]:
        if document.path.startswith("/doc/"):
            asked = (
                document.path
                if document.language in ("", site.languages[0])
                else f"{document.path}?lang={document.language}"
            )
            slow.cookies.clear()
            assert (site.folder / document.file).read_bytes() == slow.get(asked).content


def test_a_stale_site_is_never_served(rendered: tuple[Settings, Site], tmp_path: Path) -> None:
    settings, _ = rendered
    release = find_release(settings.dist)
    manifest = json.loads(site_manifest(release.path).read_text(encoding="utf-8"))
    copy = tmp_path / "release"
    shutil.copytree(release.path, copy, symlinks=True)
    manifest["fingerprint"] = "0" * 16  # rendered from other data
    site_manifest(copy).write_text(json.dumps(manifest), encoding="utf-8")
    assert Site.read(find_release(settings.dist)) is not None
    assert Site.read(type(release).read(copy)) is None


def test_html_in_every_interface_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With two interface languages each HTML page is rendered twice (``?lang=``); the layer
    answers the language asked by ``lang`` and leaves to the app what only it can tell."""
    from lima_lod import prerender

    monkeypatch.setattr(prerender, "interface_languages", lambda: ("en", "es"))
    write_release(tmp_path, quads())
    settings = make_settings(tmp_path)
    site = render_site(settings, find_release(tmp_path))
    assert site.languages == ("en", "es")
    spanish = [d for d in site.documents if d.language == "es"]
    assert {d.path for d in spanish} == {
        d.path for d in site.documents if d.content_type.startswith("text/html")
    }
    assert all(d.file.startswith("lang/es/") for d in spanish)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as client:

        def etag(path: str, **headers: str) -> str | None:
            response = client.get(path, headers=headers)
            assert response.status_code == 200
            return response.headers.get("etag")

        english, es = etag("/doc/commitment/1.html"), etag("/doc/commitment/1.html?lang=es")
        assert english and es and english != es
        assert etag("/doc/commitment/1.html?lang=en") == english
        assert etag("/doc/commitment/1.html", **{"accept-language": "es"}) is None  # the app's
        assert etag("/doc/commitment/1.html?lang=xx") is None
        assert etag("/doc/commitment/1.ttl", **{"accept-language": "es"}) is not None


def test_a_big_site_is_read_from_disk_or_sent_by_the_server(
    rendered: tuple[Settings, Site], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the in-memory bound the bytes come from the files: the same answer, or the file's
    path for a server that sends files itself (ASGI ``http.response.pathsend``)."""
    import asyncio

    from lima_lod.web import rendered as layer

    settings, site = rendered
    monkeypatch.setattr(layer, "IN_MEMORY_BYTES", 0)

    async def app(scope: object, receive: object, send: object) -> None:
        raise AssertionError("a pre-rendered document reached the app")

    prerendered = layer.Prerendered(app, site, find_release(settings.dist).built)
    assert all(entry.body is None for entry in prerendered.entries.values())

    def call(extensions: dict[str, object]) -> list[dict[str, object]]:
        sent: list[dict[str, object]] = []

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/doc/commitment/1.ttl",
            "raw_path": b"/doc/commitment/1.ttl",
            "query_string": b"",
            "headers": [],
            "extensions": extensions,
        }
        asyncio.run(prerendered(scope, None, send))  # type: ignore[arg-type]
        return sent

    file = site.folder / "doc" / "commitment" / "1.ttl"
    start, body = call({})
    assert start["status"] == 200 and body["body"] == file.read_bytes()
    start, path = call({"http.response.pathsend": {}})
    assert path == {"type": "http.response.pathsend", "path": str(file)}
    assert dict(start["headers"])[b"content-length"] == str(file.stat().st_size).encode()  # type: ignore[call-overload]


def test_a_failed_render_keeps_the_site_it_had(
    rendered: tuple[Settings, Site], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lima_lod import prerender
    from lima_lod.errors import ReleaseError

    settings, site = rendered
    release = find_release(settings.dist)
    before = sorted(p.relative_to(site.folder) for p in site.folder.rglob("*"))

    def broken(*args: object) -> Iterator[tuple[str, dict[str, str], prerender.Document]]:
        yield "/doc/commitment/999.ttl", {}, prerender.Document("/doc/x.ttl", "doc/x.ttl", "")

    monkeypatch.setattr(prerender, "plan", broken)
    with pytest.raises(ReleaseError, match="999"):
        render_site(settings, release)
    assert sorted(p.relative_to(site.folder) for p in site.folder.rglob("*")) == before
    assert Site.read(release) is not None
    assert [p.name for p in release.path.iterdir() if p.name.endswith(".partial")] == []


# -- lazy: rendered on first request, kept for the next --------------------------------------


def layer_of(client: TestClient) -> Prerendered:
    """The pre-rendered layer in front of an app."""
    layer = client.app.front  # type: ignore[attr-defined]
    assert isinstance(layer, Prerendered)
    return layer


@pytest.fixture(scope="module")
def lazy(
    rendered: tuple[Settings, Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, TestClient, Site]]:
    """An app over the same release pre-rendered lazily, beside one pre-rendered eagerly."""
    settings, _ = rendered
    release = find_release(settings.dist).path
    dist = tmp_path_factory.mktemp("lazy")  # the very same release, pre-rendered lazily
    shutil.copytree(release, dist / "releases" / release.name, symlinks=True)
    (dist / "latest").symlink_to(Path("releases") / release.name)
    lazy_settings = make_settings(dist)
    site = render_site(lazy_settings, find_release(dist), mode="lazy")
    store = EmbeddedStore.open(lazy_settings)
    with (
        TestClient(create_app(lazy_settings, store)) as lazily,
        TestClient(create_app(settings, EmbeddedStore.open(settings))) as eagerly,
    ):
        yield lazily, eagerly, site


def test_a_lazy_site_renders_nothing_at_build(lazy: tuple[TestClient, TestClient, Site]) -> None:
    _, _, site = lazy
    assert site.lazy and site.documents == [] and "commitment/1" in site.keys
    again = Site.read(find_release(site.folder.parent.parent.parent))
    assert again is not None and again.lazy and again.keys == site.keys


LAZY_REQUESTS = [
    *[("GET", f"/doc/commitment/2{s}", None) for s in (".html", ".ttl", ".jsonld", ".nt", ".rdf")],
    ("GET", "/doc/commitment/3", "text/turtle"),
    ("GET", "/doc/commitment/4", HTML),
    ("HEAD", "/doc/observation/mx-2021/3/relevance.ttl", None),
    ("GET", "/", HTML),
    ("GET", "/id/commitment/5", "application/ld+json"),
    ("GET", "/doc/commitment/999.ttl", None),
    ("GET", "/doc/commitment/1", "image/png"),
    ("GET", "/compare/commitment/2?lang=es", HTML),
    ("GET", "/queries/axis-averages", "text/csv"),
    ("GET", "/queries/axis-averages?lang=es", HTML),
    ("GET", "/term/Commitment", None),
    ("GET", "/compare/commitment/999", HTML),
    ("GET", "/favicon.ico", None),
]


@pytest.mark.parametrize(("method", "path", "accept"), LAZY_REQUESTS)
def test_lazy_answers_are_the_eager_answers_and_kept(
    lazy: tuple[TestClient, TestClient, Site],
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    path: str,
    accept: str | None,
) -> None:
    from lima_lod.web import rendered as layer

    lazily, eagerly, _ = lazy
    renders: list[str] = []
    render = layer.render

    async def counted(*args: str) -> tuple[int, dict[bytes, bytes], bytes]:
        renders.append(args[2])
        return await render(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(layer, "render", counted)
    eager = _answer(eagerly, method, path, accept, validators=True)
    first = _answer(lazily, method, path, accept, validators=True)
    second = _answer(lazily, method, path, accept, validators=True)
    # Byte for byte and header for header the eager answer, the first time and from the kept
    # rendering after (only Date may differ).
    for answer in (first, second):
        assert answer[0] == eager[0] and answer[2] == eager[2]
        assert {k: v for k, v in answer[1].items() if k != "date"} == {
            k: v for k, v in eager[1].items() if k != "date"
        }
    assert len(renders) <= 1  # rendered once at most; the second answer came from memory
    if eager[0] == 200 and "etag" in eager[1]:  # a document: the rendering is kept
        assert eager[1]["etag"] in {e.etag for e in layer_of(lazily).kept.items.values()}


def test_lazy_renderings_stay_within_their_budget(
    lazy: tuple[TestClient, TestClient, Site],
) -> None:
    lazily, _, _ = lazy
    kept = layer_of(lazily).kept
    budget, kept.max_bytes = kept.max_bytes, 12_000
    try:
        for n in range(1, 8):
            assert lazily.get(f"/doc/commitment/{n}.html").status_code == 200
        assert 0 < kept.bytes <= 12_000 and sum(e.size for e in kept.items.values()) == kept.bytes
        newest = ("/doc/commitment/7.html", layer_of(lazily).default)
        assert newest in kept.items and ("/doc/commitment/1.html", newest[1]) not in kept.items
    finally:
        kept.max_bytes = budget


def test_auto_renders_lazily_above_the_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lima_lod import prerender

    write_release(tmp_path, quads())
    settings = make_settings(tmp_path)
    monkeypatch.setattr(prerender, "LAZY_ABOVE", 1)
    assert render_site(settings, find_release(tmp_path), mode="auto").lazy
    monkeypatch.setattr(prerender, "LAZY_ABOVE", 10**6)
    site = render_site(settings, find_release(tmp_path), mode="auto")
    assert not site.lazy and len(site.documents) > 6


def test_an_unknown_mode_is_a_configuration_error(rendered: tuple[Settings, Site]) -> None:
    from lima_lod.errors import ConfigError

    settings, _ = rendered
    with pytest.raises(ConfigError, match="sometimes"):
        render_site(settings, find_release(settings.dist), mode="sometimes")


@pytest.mark.parametrize(
    ("link", "page", "found", "file"),
    [
        ("/compare", "/", "/compare", "compare.html"),
        ("/compare/axis/A?lang=es", "/", "/compare/axis/A", "compare/axis/A.html"),
        ("/queries/laws?format=csv", "/queries", "/queries/laws?format=csv", "queries/laws.csv"),
        ("/queries?format=json&lang=es", "/", "/queries?format=json", "queries.json"),
        ("?page=2", "/doc/commitment/1.html", "/doc/commitment/1.html?page=2", None),
        ("/charts/commitment/1.svg?lang=es", "/", "/charts/commitment/1.svg", None),
        ("/term/Commitment", "/", "/term/Commitment", "term/Commitment.html"),
        ("/queries/laws?format=nonsense", "/", None, None),  # no such format: the app's 406
        ("/queries/laws?format=csv&view=table", "/", None, None),  # not a variant we keep
        ("/compare?page=2", "/", None, None),  # ?page= is a resource page's only
        ("/doc/commitment/1.html", "/", None, None),  # a document: rendered by the plan
        ("/sparql?query=ASK{}", "/", None, None),
        ("/search?q=x", "/", None, None),
        ("https://example.org/compare", "/", None, None),
    ],
)
def test_which_links_are_followed(
    link: str, page: str, found: str | None, file: str | None
) -> None:
    from lima_lod.linked import linked, linked_file

    assert linked(link, page) == found
    if found is not None:
        expected = file or (
            "page/2/doc/commitment/1.html" if "page=" in found else found.lstrip("/")
        )
        assert linked_file(found) == expected
