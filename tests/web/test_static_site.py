"""The same negotiation tests against ``lima-lod serve`` (pre-rendered) and against real nginx
and Apache serving the static site ``lima-lod static`` writes, with the rules it writes.

nginx and Apache are started by the tests on 127.0.0.1 with their configuration, pid file and
logs in a temporary folder; without the binary (Debian ``nginx`` / ``apache2``, installed by
``tests/tools/install.sh``) their cases skip and say so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from webkit import make_settings, quads, write_release

from lima_lod import layout
from lima_lod.formats import BY_NAME
from lima_lod.htaccess import htaccess
from lima_lod.layout import find_release
from lima_lod.nginx_rules import nginx_http
from lima_lod.prerender import render_site
from lima_lod.settings import Settings
from lima_lod.static_site import write_static
from lima_lod.store import EmbeddedStore
from lima_lod.web.resources import CACHE_CONTROL

VOCABULARY_VERSION = "1.0"
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
APACHE = shutil.which("apache2") or next(
    (p for p in ("/usr/sbin/apache2",) if Path(p).exists()), None
)
APACHE_MODULES = Path("/usr/lib/apache2/modules")


@dataclass(frozen=True)
class Case:
    """One request and what every server must answer."""

    path: str
    accept: str | None
    status: int
    suffix: str = ""  # the document the answer is (200) or points to (303)
    vary: bool = False
    content_location: bool = False

    def __str__(self) -> str:
        return f"{self.path} [{self.accept}]"


CASES = [
    Case("/doc/commitment/1.ttl", None, 200, ".ttl"),
    Case("/doc/commitment/1.html", None, 200, ".html"),
    Case("/doc/commitment/1.jsonld", None, 200, ".jsonld"),
    Case("/doc/commitment/1.nt", None, 200, ".nt"),
    Case("/doc/commitment/1.rdf", None, 200, ".rdf"),
    Case("/doc/commitment/1", None, 200, ".html", vary=True, content_location=True),
    Case("/doc/commitment/1", HTML, 200, ".html", vary=True, content_location=True),
    Case("/doc/commitment/1", "text/turtle", 200, ".ttl", vary=True, content_location=True),
    Case(
        "/doc/commitment/1", "application/ld+json", 200, ".jsonld", vary=True, content_location=True
    ),
    Case(
        "/doc/commitment/1", "application/n-triples", 200, ".nt", vary=True, content_location=True
    ),
    Case("/doc/commitment/1", "application/rdf+xml", 200, ".rdf", vary=True, content_location=True),
    Case("/doc/commitment/1", "image/png", 406),
    Case("/doc/commitment/999", "text/turtle", 404),
    Case("/doc/commitment/999.ttl", None, 404),
    Case("/id/commitment/1", None, 303, ".html", vary=True),
    Case("/id/commitment/1", HTML, 303, ".html", vary=True),
    Case("/id/commitment/1", "text/turtle", 303, ".ttl", vary=True),
    Case("/id/commitment/1", "application/ld+json", 303, ".jsonld", vary=True),
    Case("/id/commitment/1", "application/rdf+xml, text/*;q=0.1", 303, ".rdf", vary=True),
    Case("/id/observation/mx-2021/3/relevance", "application/n-triples", 303, ".nt", vary=True),
    Case("/id/commitment/1", "image/png", 406, vary=True),
    Case("/id/commitment/999", "text/turtle", 404),
    Case("/def/cfu", None, 200, ".html", vary=True),
    Case("/def/cfu", "text/turtle", 200, ".ttl", vary=True),
    Case("/def/cfu", "application/ld+json", 200, ".jsonld", vary=True),
    Case(f"/def/cfu/{VOCABULARY_VERSION}", "application/rdf+xml", 200, ".rdf", vary=True),
    Case("/def/cfu/0.0", "text/turtle", 404),
    Case("/def/cfu", "image/png", 406, vary=True),
    Case("/def/shapes", None, 200, ".ttl", vary=True),
    Case("/def/shapes", "text/html", 406, vary=True),
]


def _vocabulary(folder: Path) -> None:
    """Give the tiny release a vocabulary and shapes, as ``release.py`` lays them out."""
    graph = Graph()
    term = URIRef("https://w3id.org/lima-lod/def/cfu#Commitment")
    graph.add((term, RDF.type, OWL.Class))
    graph.add((term, RDFS.label, Literal("Commitment", lang="en")))
    for name in ("turtle", "jsonld", "rdfxml"):
        fmt = BY_NAME[name]
        for relative in (layout.vocabulary_file(VOCABULARY_VERSION, fmt), layout.shapes_file(fmt)):
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            graph.serialize(folder / relative, format=fmt.rdflib or "turtle")
    (folder / layout.VOCABULARY_DOCS).write_text(
        "<!doctype html><title>cfu</title>\n", encoding="utf-8"
    )
    summary = json.loads((folder / layout.RELEASE_JSON).read_text(encoding="utf-8"))
    summary.update(
        vocabulary_version=VOCABULARY_VERSION,
        vocabulary_file=layout.vocabulary_file(VOCABULARY_VERSION),
    )
    (folder / layout.RELEASE_JSON).write_text(json.dumps(summary), encoding="utf-8")


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    dist = tmp_path_factory.mktemp("static-dist")
    _vocabulary(write_release(dist, quads()))
    settings = make_settings(dist)
    render_site(settings, find_release(dist))
    return settings


@pytest.fixture(scope="module")
def site(released: Settings) -> Iterator[Path]:
    # World-readable, outside pytest's private folders: the servers' workers drop privileges.
    folder = Path(tempfile.mkdtemp(prefix="lima-lod-site-"))
    folder.chmod(0o755)
    write_static(released, folder / "site")
    yield folder / "site"
    shutil.rmtree(folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(
    command: list[str], port: int, work: Path, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Run a web server on 127.0.0.1:port until the block ends; its error log is in ``work``."""
    process = subprocess.Popen(command, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, process, work / "error.log")
        yield url
    finally:
        process.terminate()
        process.wait(10)
        if process.stderr:
            process.stderr.close()


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    give_up = time.monotonic() + 20
    while time.monotonic() < give_up:
        if process.poll() is not None:
            raise AssertionError(
                f"the server exited ({process.returncode}): "
                f"{log.read_text() if log.exists() else ''}"
            )
        try:
            urllib.request.urlopen(url + "/static/", timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


@pytest.fixture(scope="module")
def nginx(site: Path) -> Iterator[str]:
    if NGINX is None:
        pytest.skip("nginx is not installed (Debian package nginx; tests/tools/install.sh)")
    work = site.parent / "nginx"
    (work / "temp").mkdir(parents=True)
    port = _free_port()
    temps = "\n".join(
        f"    {k}_temp_path {work / 'temp' / k};"
        for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    rules = site / layout.SERVER_RULES_FOLDER
    (work / "nginx.conf").write_text(
        f"""worker_processes 1;
pid {work / "nginx.pid"};
error_log {work / "error.log"};
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
{temps}
    include {rules / layout.NGINX_HTTP};
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {rules / layout.NGINX_SERVER};
    }}
}}
""",
        encoding="utf-8",
    )
    with _server(
        [NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"], port, work
    ) as url:
        yield url


def _apache_conf(site: Path, work: Path, port: int) -> Path:
    modules = "\n".join(
        f"LoadModule {m}_module {APACHE_MODULES / f'mod_{m}.so'}"
        for m in ("mpm_event", "authz_core", "mime", "rewrite", "headers", "dir")
    )
    conf = work / "apache2.conf"
    conf.write_text(
        f"""ServerRoot {work}
DefaultRuntimeDir {work}
PidFile {work / "apache2.pid"}
ErrorLog {work / "error.log"}
LogLevel warn
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
{modules}
TypesConfig /etc/mime.types
DocumentRoot {site}
<Directory {site}>
    AllowOverride All
    Require all granted
</Directory>
""",
        encoding="utf-8",
    )
    return conf


def test_htaccess_syntax(site: Path) -> None:
    """Apache reads the rules (as a <Directory> block, which .htaccess rules are)."""
    if APACHE is None:
        pytest.skip("apache2 is not installed (Debian package apache2; tests/tools/install.sh)")
    work = site.parent / "apache-syntax"
    work.mkdir()
    conf = _apache_conf(site, work, _free_port())
    with conf.open("a", encoding="utf-8") as out:
        out.write(f"<Directory {site}>\n{htaccess(CACHE_CONTROL)}</Directory>\n")
    checked = subprocess.run(
        [APACHE, "-t", "-f", str(conf)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr


@pytest.fixture(scope="module")
def apache(site: Path) -> Iterator[str]:
    if APACHE is None or not APACHE_MODULES.is_dir():
        pytest.skip("apache2 is not installed (Debian package apache2; tests/tools/install.sh)")
    work = site.parent / "apache"
    work.mkdir()
    port = _free_port()
    conf = _apache_conf(site, work, port)
    with _server([APACHE, "-f", str(conf), "-DFOREGROUND"], port, work, {"LANG": "C"}) as url:
        yield url


@pytest.fixture(scope="module")
def serve(released: Settings) -> Iterator[str]:
    from lima_lod.web.server import running

    with running(released, EmbeddedStore.open(released)) as url:
        yield url


@pytest.fixture(params=["serve", "nginx", "apache"])
def server(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _get(url: str, accept: str | None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _file(site: Path, path: str, suffix: str) -> Path:
    """The rendered file a case's document is: ``/id/k`` and ``/doc/k`` -> ``doc/k<suffix>``."""
    stem = path.lstrip("/").replace("id/", "doc/", 1)
    return site / (stem if stem.endswith(suffix) else stem + suffix)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_negotiation(server: str, site: Path, case: Case) -> None:
    status, headers, body = _get(server + case.path, case.accept)
    assert status == case.status
    vary = {v.strip().lower() for v in headers.get("vary", "").split(",")}
    if case.vary:
        assert "accept" in vary
    expected = _file(site, case.path, case.suffix)
    if status == 303:
        assert (
            urlsplit(headers["location"]).path
            == case.path.replace("/id/", "/doc/", 1) + case.suffix
        )
    if status == 200:
        fmt = next(f for f in BY_NAME.values() if f.suffix == case.suffix)
        assert (
            headers["content-type"].replace(" ", "").lower()
            == fmt.content_type.replace(" ", "").lower()
        )
        assert body == expected.read_bytes()
        assert headers.get("cache-control") == CACHE_CONTROL
    if case.content_location:
        assert headers["content-location"] == case.path + case.suffix


def test_static_site_holds_every_document(site: Path, released: Settings) -> None:
    release = find_release(released.dist)
    assert (site / layout.site_release_path(release.version) / release.server_dump).is_file()
    assert (site / layout.HOME_PAGE).is_file()
    assert (site / layout.SERVER_RULES_FOLDER / layout.NGINX_SERVER).is_file()
    assert not (site / layout.site_release_path(release.version) / layout.SITE_FOLDER).exists()
    for suffix in (".html", ".ttl", ".jsonld", ".nt", ".rdf"):
        assert (site / f"doc/commitment/1{suffix}").stat().st_size > 0
    # The map reproduces the candidate tables: every document media type is named in it.
    for name in ("html", "turtle", "jsonld", "ntriples", "rdfxml"):
        assert re.escape(BY_NAME[name].media_type) in nginx_http()


#: The links a static host cannot answer, by path: the pages that run a query or a search per
#: request (the README's "What a static host loses" says so). Everything else a page links to
#: is a file of the static site.
DYNAMIC = ("/sparql", "/search")


@dataclass(frozen=True)
class Answer:
    """What a server answers a browser for a link: status, media type, and the bytes of a 200."""

    status: int
    media_type: str
    body: bytes


def _crawl(base: str, start: str) -> dict[str, Answer]:
    """Every page reachable from ``start`` on the server at ``base`` (each ``href`` and ``src``
    on the same host, but the dynamic ones), with what it answers a browser."""
    host = urlsplit(base).netloc
    answers: dict[str, Answer] = {}
    todo = [start]
    while todo:
        link = todo.pop()
        if link in answers:
            continue
        status, headers, body = _get(base + link, HTML)
        media_type = headers.get("content-type", "").split(";")[0].strip()
        answers[link] = Answer(status, media_type if status == 200 else "", body * (status == 200))
        found: list[str] = []
        if status == 303:
            found.append(headers["location"])
        if status == 200 and headers.get("content-type", "").startswith("text/html"):
            soup = BeautifulSoup(body, "html.parser")
            found += [
                str(tag[attribute])
                for attribute in ("href", "src")
                for tag in soup.find_all(attrs={attribute: True})
            ]
        for target in found:
            url = urlsplit(urljoin(base + link, target))
            if url.netloc != host or url.path.startswith(DYNAMIC):
                continue
            todo.append(url.path + (f"?{url.query}" if url.query else ""))
    return answers


@pytest.fixture(params=["nginx", "apache"])
def static_server(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


@pytest.mark.parametrize("start", ["/", "/?lang=es"])
def test_every_link_answers_on_the_static_site(static_server: str, serve: str, start: str) -> None:
    static, served = _crawl(static_server, start), _crawl(serve, start)
    # The same links, answered alike: nothing the app answers is missing from the static site.
    assert static == served
    # What the site publishes all answers: the home page, documents, vocabulary, release files,
    # assets, and the comparison, chart and example-query pages. The tiny release lacks some
    # resources its pages name (the home page's report, the criteria, the vocabulary's
    # properties): their IRIs, terms and comparison pages are 404 on both servers alike.
    broken = {link for link, answer in static.items() if answer.status not in (200, 303)}
    assert {static[link].status for link in broken} <= {404}
    assert all(urlsplit(link).path.startswith(("/id/", "/term/", "/compare/")) for link in broken)
    assert len(broken) < len(static) / 4
    assert {link for link, answer in static.items() if answer.status == 303} == {
        link for link in static if link.startswith("/id/") and link not in broken
    }
    # The comparison, term and example-query pages are among them (the tiny release has no
    # report, so no chart), in the language asked for.
    answered = {link for link, answer in static.items() if answer.status == 200}
    for kind in ("/compare", "/term/", "/queries/", "/favicon.ico"):
        assert any(link.startswith(kind) for link in answered), kind
    assert any(link.startswith("/queries/") and "format=" in link for link in answered)
    if start.endswith("lang=es"):
        home = BeautifulSoup(static[start].body, "html.parser")
        assert home.html is not None and home.html["lang"] == "es"


def test_unknown_paths_get_the_sites_error_page(static_server: str, serve: str) -> None:
    for path in ("/no/such/page", "/no/such/page?lang=es"):
        status, _, body = _get(static_server + path, HTML)
        served_status, _, served_body = _get(serve + path, HTML)
        assert status == served_status == 404
        page, served_page = (
            BeautifulSoup(body, "html.parser"),
            BeautifulSoup(served_body, "html.parser"),
        )
        assert page.html is not None and served_page.html is not None
        assert page.html["lang"] == served_page.html["lang"]
        assert page.find("main") is not None


def test_release_files_have_the_apps_media_types(
    static_server: str, serve: str, site: Path, released: Settings
) -> None:
    release = find_release(released.dist)
    folder = site / layout.site_release_path(release.version)
    files = [f for f in folder.rglob("*") if f.is_file() and not f.name.startswith(".")]
    assert len(files) > 3
    for file in files:
        path = "/" + file.relative_to(site).as_posix()
        status, headers, body = _get(static_server + path, None)
        served_status, served_headers, served_body = _get(serve + path, None)
        assert status == served_status == 200, path
        assert body == served_body
        media = headers["content-type"].split(";")[0].strip()
        assert media == served_headers["content-type"].split(";")[0].strip(), path


def test_assets_have_the_apps_media_types(static_server: str, serve: str, site: Path) -> None:
    assets = sorted((site / "static").iterdir())
    assert {a.suffix for a in assets} >= {".css", ".js"}
    for asset in assets:
        path = f"/static/{asset.name}"
        (_, headers, body), (_, served, served_body) = (
            _get(static_server + path, None),
            _get(serve + path, None),
        )
        assert body == served_body
        assert headers["content-type"].split(";")[0] == served["content-type"].split(";")[0]
