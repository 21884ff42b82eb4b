"""Issue 12: the public endpoint against an attacker (SSRF, client mistakes, scripts, races).

Each test is a regression test for one defect of the adversarial sweep; they failed on the main
branch of the day (see notes/hardening.md). The load-bearing ones (freeze, starvation, memory,
slow clients) are in test_hardening_load.py.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from webkit import make_settings

from lima_lod.store import EmbeddedStore
from lima_lod.web.app import create_app
from lima_lod.web.guard import passes_unparsed
from lima_lod.web.pages import MAX_ROWS

#: PN_LOCAL_ESC: a backslash then one of these is part of a prefixed name.
LOCAL_ESCAPES = "_~.-!$&'()*+,;=/?#@%"


class Canary:
    """A listener on 127.0.0.1 that counts connections and answers like a SPARQL service."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        body = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.settimeout(2)
            try:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json"
                    b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
                )
            except OSError:
                pass
            conn.close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.sock.close()


def hiders() -> list[str]:
    """Texts before a SERVICE clause that a naive scan reads as a comment or a string start."""
    found = [f"BIND(ex:a\\{c} AS ?k)" for c in LOCAL_ESCAPES]  # PN_LOCAL_ESC
    found += [f"BIND(ex:\\{c}b AS ?k)" for c in "#'"]  # an escape first in the local name
    found += [
        "BIND(ex:a%23 AS ?k)",  # PLX percent escape
        'BIND("a\\"#" AS ?k)',
        "BIND('a\\'#' AS ?k)",  # ECHAR in short strings
        'BIND("""a""#""" AS ?k)',
        "BIND('''a''#''' AS ?k)",  # quotes inside long strings
        'BIND("""a\\"""#""" AS ?k)',  # an escaped quote in a long string
        "BIND(<http://e/#'> AS ?k)",  # IRIs may hold # and '
        "BIND(?v#\n AS ?k)",  # a real comment first
        'BIND("\\u0023" AS ?k)',  # \u escapes
        'BIND("#" AS ?k) # \'\n',
    ]
    return found


def service_queries(target: str) -> list[str]:
    service = f"SERVICE <{target}> {{ ?x ?y ?z }}"
    queries = [f"PREFIX ex: <http://e/> SELECT * WHERE {{ {h} {service} }}" for h in hiders()]
    queries += [
        f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE {{ SERV\\u0049CE <{target}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{target}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE{{SERVICE<{target}>{{?x ?y ?z}}}}",
        f"SELECT * WHERE {{ VALUES ?s {{ <{target}> }} SERVICE ?s {{ ?x ?y ?z }} }}",
        f"PREFIX t: <{target.rsplit('/', 1)[0]}/> SELECT * WHERE {{ SERVICE t:sparql {{ ?x ?y ?z }} }}",
        # A "<" after an operand is "less than" to the engine: what follows is no IRI.
        (
            f'SELECT * WHERE {{ BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b#>"""\n) '
            f'SERVICE <{target}> {{ ?x ?y ?z }} BIND("""\n#""" AS ?k) }}'
        ),
        (
            f"SELECT * WHERE {{ BIND(1 AS ?a) FILTER(?a<2#>'''\n) "
            f"SERVICE <{target}> {{ ?x ?y ?z }} BIND('''\n#''' AS ?k) }}"
        ),
        f"SELECT * WHERE {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?x ?y ?z }} }} }}",
    ]
    # Regression: a keyword glued to a number or a boolean is one word to a lexer of \w+ runs,
    # and two tokens to pyoxigraph, which called the service.
    queries += [
        f"SELECT * WHERE {{ ?s ?p {glued}SERVICE{silent} <{target}> {{ ?x ?y ?z }} }}"
        for glued in ("1", "1.5", "1e5", "1E+5", "true", "false", "0")
        for silent in ("", " SILENT")
    ]
    queries.append(f"SELECT * WHERE {{ ?s ?p 1SERVICE<{target}>{{?x ?y ?z}} }}")
    return queries


def post_form(client: TestClient, query: str) -> int:
    return client.post("/sparql", data={"query": query}).status_code


def post_query(client: TestClient, query: str) -> int:
    return client.post(
        "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
    ).status_code


def get(client: TestClient, query: str) -> int:
    return client.get("/sparql", params={"query": query}).status_code


@pytest.mark.parametrize("send", [get, post_form, post_query])
def test_no_spelling_of_service_reaches_the_network(
    client: TestClient, canary: Canary, send: object
) -> None:
    # Regression (defect 1): "ex:a\#" hid the rest of the line from the keyword scan, and the
    # SERVICE ran. Every escape the grammar allows, before SERVICE, in every way to send it.
    assert callable(send)
    before = canary.connections
    statuses = {query: send(client, query) for query in service_queries(canary.url)}
    assert canary.connections == before, "a query reached the canary"
    assert all(400 <= status < 500 for status in statuses.values()), statuses


@pytest.mark.parametrize("hider", hiders())
def test_the_lexer_never_skips_a_service_clause(hider: str) -> None:
    assert not passes_unparsed(
        f"PREFIX ex: <http://e/> SELECT * {{ {hider} SERVICE <http://e/> {{}} }}"
    )


def test_a_query_worker_cannot_open_connections(canary: Canary) -> None:
    # Defence in depth (defect 1): were the guard fooled, the worker has no network at all.
    port = canary.url.split(":")[2].split("/")[0]
    probe = (
        "import socket, sys\nfrom lima_lod.web.workers import isolate_network\n"
        "if not isolate_network(): sys.exit(3)\n"
        f"socket.create_connection(('127.0.0.1', {port}), 5)\n"
    )
    before = canary.connections
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, timeout=60, check=False
    )
    if done.returncode == 3:
        pytest.skip("this platform does not let a process leave the network (unshare)")
    assert done.returncode != 0 and b"OSError" in done.stderr  # unreachable
    assert canary.connections == before


# -- client mistakes are 4xx (defect 10) ---------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "SELECT (<http://example.org/f>(1) AS ?x) {}",  # an unknown function
        "SELECT * { ?s ?p ?o FILTER(<http://example.org/g>(?o, 2)) }",
        "SELECT (" + "(" * 2000 + "1" + ")" * 2000 + " AS ?x) {}",  # deep recursion
        "SELECT * {" + "{" * 2000 + "}" * 2000 + "}",
        "SELECT * { ?s ?p " + "(" * 2000 + "1" + ")" * 2000 + " }",
        "ASK {" + "[ <http://e/p> " * 1000 + "1" + " ]" * 1000 + "}",
    ],
)
def test_client_mistakes_in_queries_are_4xx(client: TestClient, query: str) -> None:
    response = client.post(
        "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.text.strip() and "Traceback" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/releases/2021.1/lima-lod.ttl%00",
        "/doc/commitment/x%00y",
        "/id/%00",
        "/releases/%0a/x",
        "/def/cfu%00",
    ],
)
def test_control_characters_in_paths_are_400(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400 and "control character" in response.text


# -- no script from a result, security headers on pages (defect 9) -----------------------------
@pytest.mark.parametrize(
    "iri",
    [
        "javascript:alert(document.domain)",
        "JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:x",
    ],
)
def test_only_web_iris_are_links_in_the_results_table(client: TestClient, iri: str) -> None:
    for query in (
        f'SELECT (IRI("{iri}") AS ?x) {{}}',
        f'CONSTRUCT {{ ?x ?x ?x }} WHERE {{ BIND(IRI("{iri}") AS ?x) }}',
    ):
        response = client.get("/sparql", params={"query": query}, headers={"Accept": "text/html"})
        assert response.status_code == 200
        cells = BeautifulSoup(response.text, "html.parser").select("#results td")
        assert cells and any(cell.get_text() == iri for cell in cells)
        for link in BeautifulSoup(response.text, "html.parser").select("#results a[href]"):
            assert link["href"].startswith(("http://", "https://"))


def test_web_iris_stay_links(client: TestClient) -> None:
    response = client.get(
        "/sparql",
        params={"query": 'SELECT (IRI("https://e.org/x") AS ?x) {}'},
        headers={"Accept": "text/html"},
    )
    links = BeautifulSoup(response.text, "html.parser").select("#results a[href]")
    assert [a["href"] for a in links] == ["https://e.org/x"]


@pytest.mark.parametrize(
    "path", ["/", "/sparql", "/sparql?query=ASK%7B%7D", "/sparql?query=nonsense"]
)
def test_pages_carry_a_content_security_policy(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    policy = {
        part.split()[0]: part.split()[1:]
        for part in response.headers["content-security-policy"].split(";")
    }
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]
    # Whatever the page loads comes from this server: no inline script, no other host.
    soup = BeautifulSoup(response.text, "html.parser")
    assert all(
        script.get("src") and not script.get("src").startswith(("http:", "https:", "//"))
        for script in soup.find_all("script")
    )


def test_answers_say_nosniff(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.headers["x-content-type-options"] == "nosniff"


# -- the rdflib race (defect 7) ------------------------------------------------------------------
RACE = """
import sys, threading
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from fastapi.testclient import TestClient
from webkit import make_settings
from lima_lod.store import EmbeddedStore
from lima_lod.web.app import create_app

if __name__ == "__main__":
    settings = make_settings(Path(sys.argv[1]), cache_mb=0)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as fresh:
        held = sorted(fresh.app.state.endpoint.held)
        def ask(n):
            query = f"SELECT (COUNT(*) AS ?n) FROM <{held[n % len(held)]}> WHERE {{ ?s ?p ?o }}"
            statuses.append(fresh.get("/sparql", params={"query": query + " " * n}).status_code)
        for attempt in range(3):
            statuses = []
            threads = [threading.Thread(target=ask, args=(attempt * 8 + n,)) for n in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            print(*statuses)
"""


def test_concurrent_from_queries_right_after_start(dist: Path, tmp_path: Path) -> None:
    # Regression (defect 7): rdflib's parser is not thread-safe; FROM queries at once, right
    # after start-up (a fresh process), broke it for good. Checking happens in the worker
    # processes now, one parser each.
    script = tmp_path / "race.py"
    script.write_text(RACE)
    done = subprocess.run(
        [sys.executable, str(script), str(dist), str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["200"] * 24


# -- the cache counts its keys (defect 3) -------------------------------------------------------
def test_unique_long_queries_do_not_grow_the_cache_past_its_bound(dist: Path) -> None:
    import gc
    import tracemalloc

    settings = make_settings(dist, cache_mb=1)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as small:
        padding = "x" * 50_000
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for number in range(200):
                assert post_query(small, f"ASK {{}} # {padding} {number}") == 200
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    # 200 queries of 50 KB are 10 MB of keys; the cache may hold 1 MiB in all.
    assert grown < 5 * 1024 * 1024


# -- HTML tables are bounded (defect 6) ---------------------------------------------------------
def test_a_results_page_shows_a_bounded_number_of_rows(client: TestClient) -> None:
    rows = MAX_ROWS + 500
    values = " ".join(str(n) for n in range(rows))
    response = client.get(
        "/sparql",
        params={"query": f"SELECT ?n {{ VALUES ?n {{ {values} }} }}"},
        headers={"Accept": "text/html"},
    )
    soup = BeautifulSoup(response.text, "html.parser")
    assert len(soup.select("#results tbody tr")) == MAX_ROWS
    assert str(rows) in soup.select_one("#count").get_text()
    assert soup.select_one("#shown") is not None


# -- q=NaN counts as 1 (the Accept note) --------------------------------------------------------
@pytest.mark.parametrize("q", ["NaN", "nan", "inf", "-inf", "Infinity"])
def test_a_non_finite_q_is_malformed_and_counts_as_1(client: TestClient, q: str) -> None:
    response = client.get(
        "/sparql",
        params={"query": "ASK {}"},
        headers={"Accept": f"application/sparql-results+json;q={q}"},
    )
    assert response.status_code == 200
    assert json.loads(response.content)["boolean"] is True
