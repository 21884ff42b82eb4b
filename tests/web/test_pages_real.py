"""Pages for people over the real Mexico release: the report, commitment 10, axes, criteria,
organisations, search, charts, languages, and what every page carries (JSON-LD, alternates,
canonical, provenance, favicon). HTML is parsed, never grepped."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient
from lxml import etree
from rdflib import Graph
from releasekit import release

from lima_lod.iris import Iris
from lima_lod.store import EmbeddedStore
from lima_lod.web.app import create_app

IRIS = Iris()
AXES = ("A", "B", "C", "D", "E")
SVG = "{http://www.w3.org/2000/svg}"
KINDS = (
    "/doc/report/mx-2021",
    "/doc/commitment/10",
    "/doc/axis/A",
    "/doc/criterion/relevance",
    "/doc/organization/inai",
    "/doc/person/irene-tello",
    "/doc/finding/mx-2021/A-1",
    "/doc/call-to-action/mx-2021/A-1",
    "/doc/observation/mx-2021/10/overall",
    "/doc/reference/mx-2021/inai-2021",
    "/doc/country/MX",
)


@pytest.fixture
def client(published: TestClient) -> TestClient:
    return published


def page(client: TestClient, path: str, **headers: str) -> BeautifulSoup:
    client.cookies.clear()  # the language switch sets a cookie: each test starts without it
    response = client.get(path, headers={"Accept": "text/html", **headers})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "lxml")


def text(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text(" ").split())


def test_commitment_10_scores_and_contradiction(client: TestClient) -> None:
    soup = page(client, "/doc/commitment/10")
    cells = {td["data-criterion"]: text(td) for td in soup.select("#scores-table td")}
    assert cells == {
        "relevance": "1.83",
        "effectiveness": "1.83",
        "sustainability": "2.20",
        "overall": "1.89",
    }
    note = soup.find(id="contradiction")
    assert note is not None and note.get("role") == "note"
    # the shape's warning, read from the release's validation report: 1.89 is not the mean
    assert "1.89" in text(note) and "1.953" in text(note)
    quoted = text(soup.find(id="quoted"))
    assert "1.89" in quoted and "out of 3 possible points" in quoted
    assert soup.select_one(".chart svg title") is not None
    assert "Reinforcement of Democratic Governance" in text(soup.find(id="main"))
    assert soup.select(".statements-findings li")  # finding A-1 concerns commitment 10


def test_report_has_one_chart_per_axis_and_the_summary(client: TestClient) -> None:
    soup = page(client, "/doc/report/mx-2021")
    for code in AXES:
        section = soup.find(id=f"axis-{code}")
        assert isinstance(section, Tag)
        svg = section.find("svg")
        assert isinstance(svg, Tag) and svg.get("role") == "img"
        assert svg.find("title") is not None and svg.find("desc") is not None
        link = section.select_one("figcaption a")
        assert link is not None and link["href"] == f"/charts/report/mx-2021/axis/{code}.svg"
    summary = soup.find(id="summary")
    assert isinstance(summary, Tag) and summary.find("svg") is not None
    rows = soup.select("#ratings-table tbody tr")
    assert len(rows) == 19  # the commitments the methodology prioritised for Mexico
    ten = [r for r in rows if text(r.find("td")) == "Commitment 10"]
    assert [text(td) for td in ten[0].find_all("td")[3:]] == ["1.83", "1.83", "2.20", "1.89"]
    for section in ("institutions", "participants", "specialists", "references", "downloads"):
        assert soup.select(f"#{section} li"), section
    assert soup.select("#axis-A .statements li")  # findings and calls grouped by axis
    script = soup.find("script", src=True)
    assert isinstance(script, Tag) and script["src"] == "/static/sort.js"
    assert client.get("/static/sort.js").status_code == 200


@pytest.mark.parametrize("code", AXES)
def test_chart_downloads_are_svg(client: TestClient, code: str) -> None:
    response = client.get(f"/charts/report/mx-2021/axis/{code}.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = etree.fromstring(response.content)
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None


def test_unknown_chart_is_404(client: TestClient) -> None:
    assert client.get("/charts/report/mx-2021/axis/Z.svg").status_code == 404
    assert client.get("/charts/nothing.svg").status_code == 404


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/doc/commitment/10?lang=es", {}),
        ("/doc/commitment/10", {"Accept-Language": "es-MX,es;q=0.9"}),
        ("/doc/commitment/10", {"Cookie": "lang=es"}),
    ],
)
def test_spanish_interface(client: TestClient, path: str, headers: dict[str, str]) -> None:
    soup = page(client, path, **headers)
    assert soup.html is not None and soup.html["lang"] == "es"
    assert text(soup.select_one("#scores h2")) == "Calificaciones"
    assert text(soup.select_one("#search-form button")) == "Buscar"
    # data texts stay as printed, marked with their language
    lead = soup.find(id="lead")
    assert isinstance(lead, Tag) and lead["lang"] == "en"


def test_english_by_default_and_switch_keeps_the_page(client: TestClient) -> None:
    soup = page(client, "/doc/commitment/10")
    assert soup.html is not None and soup.html["lang"] == "en"
    switch = {a["hreflang"]: a["href"] for a in soup.select("#language a")}
    # the page of a negotiated document links to the HTML document it is, in each language
    assert switch == {
        "en": "/doc/commitment/10.html?lang=en",
        "es": "/doc/commitment/10.html?lang=es",
    }
    client.cookies.clear()
    response = client.get("/doc/commitment/10?lang=es", headers={"Accept": "text/html"})
    assert response.cookies.get("lang") == "es"
    client.cookies.clear()
    links = BeautifulSoup(response.text, "lxml").select("#provenance a[href^='/id/']")
    assert links and all(a["href"].endswith("lang=es") for a in links)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("anticorrupcion", "Anticorrupción"),
        (
            "inai",
            (
                "National Institute of Transparency, Access to Information and Protection of "
                "Personal Data"
            ),
        ),
    ],
)
def test_search_accent_and_case_insensitive(client: TestClient, query: str, expected: str) -> None:
    client.cookies.clear()
    response = client.get(f"/search?q={query}", headers={"Accept": "application/json"})
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert hits and all(h["kind"] for h in hits)
    if query == "inai":
        assert hits[0]["label"] == expected  # the acronym matches exactly
        assert hits[0]["iri"] == str(IRIS.organization("inai"))
    else:
        assert any(expected in h["matched"] for h in hits)


def test_search_html_ranks_exact_label_first(client: TestClient) -> None:
    soup = page(client, "/search?q=commitment%2010")
    rows = soup.select("#hits tr.hit")
    assert rows and text(rows[0].find("a")) == "Commitment 10"
    assert rows[0]["data-rank"] == "0"
    assert soup.find("input", id="search-box")["value"] == "commitment 10"  # type: ignore[index]


@pytest.mark.parametrize("path", KINDS)
def test_every_page_kind_carries_the_frame(client: TestClient, path: str) -> None:
    soup = page(client, path)
    key = path.removeprefix("/doc/")
    head = soup.head
    assert head is not None
    canonical = head.find("link", rel="canonical")
    assert canonical is not None and canonical["href"].endswith(f"/doc/{key}")
    alternates = {a["type"]: a["href"] for a in head.find_all("link", rel="alternate")}
    assert alternates["text/turtle"] == f"/doc/{key}.ttl"
    assert alternates["application/ld+json"] == f"/doc/{key}.jsonld"
    script = head.find("script", type="application/ld+json")
    assert isinstance(script, Tag)
    graph = Graph().parse(data=script.string, format="json-ld")
    assert len(graph) > 0
    assert soup.find(id="search-form") is not None and soup.select("#language a")
    assert "CC BY 4.0" in text(soup.find(id="licence"))
    assert soup.find(id="how-to-cite") is not None and soup.find(id="provenance") is not None
    assert head.find("link", rel="icon") is not None
    # labels instead of IRIs: no link text on the page is a bare IRI of ours
    bare = [a for a in soup.select("main a") if text(a).startswith(IRIS.base)]
    assert bare == []


def test_incoming_links_grouped_counted_paged(client: TestClient) -> None:
    soup = page(client, "/doc/criterion/relevance")
    groups = soup.select("#incoming details")
    counts = [int(text(g.select_one(".count")).strip("()")) for g in groups]
    assert max(counts) > 10
    big = groups[counts.index(max(counts))]
    assert len(big.select("li")) == 10 and big.select_one("a[rel=next]") is not None
    second = page(client, "/doc/criterion/relevance?page=2")
    assert len(second.select("#incoming details")[counts.index(max(counts))].select("li")) >= 1


def test_pages_by_kind(client: TestClient) -> None:
    inai = page(client, "/doc/organization/inai")
    assert inai.select(".kind-section li")  # where the report names it
    axis = page(client, "/doc/axis/A")
    assert axis.select_one("#commitments svg") is not None
    assert len(axis.select("#commitments tbody tr")) == 6
    observation = page(client, "/doc/observation/mx-2021/10/overall")
    assert text(observation.find(id="value")) == "1.89"
    dimensions = text(observation.select(".kind-section")[0])
    assert "Commitment 10" in dimensions and "Country Average" in dimensions
    assert "1.953" in text(observation.find(id="contradiction"))  # the shape's warning


def test_favicon(client: TestClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file, one image


def test_home_page_in_spanish_keeps_the_language(client: TestClient) -> None:
    soup = page(client, "/?lang=es")
    assert soup.html is not None and soup.html["lang"] == "es"
    assert text(soup.select_one("#examples a")) == "Informe de México, 2021"
    assert soup.select_one("#examples a")["href"] == "/id/report/mx-2021?lang=es"  # type: ignore[index]
    assert soup.find(id="search-form") is not None
    client.cookies.clear()
    followed = client.get("/id/report/mx-2021?lang=es", headers={"Accept": "text/html"})
    assert BeautifulSoup(followed.text, "lxml").html["lang"] == "es"  # type: ignore[index]


def test_vocabulary_term_page(client: TestClient) -> None:
    soup = page(client, "/term/commitment?lang=es")
    assert text(soup.find(id="lead")) == "El compromiso que se califica o se cita."
    assert soup.find(id="lead")["lang"] == "es"  # type: ignore[index]
    assert int(text(soup.find(id="uses"))) > 70  # observations and quoted figures use it
    assert soup.select("#examples li a")
    assert client.get("/term/noSuchTerm").status_code == 404
    # links to our terms lead to their pages
    commitment = page(client, "/doc/commitment/10")
    types = {a["href"] for a in commitment.select("#types a")}
    assert "/term/Commitment" in types


def test_pages_and_search_over_a_remote_endpoint() -> None:
    """The same pages and search when the data sits behind a SPARQL endpoint (``--endpoint``):
    our own server over the real release stands in for the remote engine."""
    from webkit import make_settings

    from lima_lod.store import RemoteStore
    from lima_lod.web.server import running

    released = release()
    with running(
        make_settings(released.dist, workers=1), EmbeddedStore.open(released.settings)
    ) as url:
        settings = make_settings(released.dist, endpoint=f"{url}/sparql")
        with TestClient(create_app(settings, RemoteStore.open(settings))) as remote:
            hits = remote.get("/search?q=INAI", headers={"Accept": "application/json"}).json()
            assert hits["hits"][0]["iri"] == str(IRIS.organization("inai"))
            soup = page(remote, "/doc/commitment/10")
            cells = [text(td) for td in soup.select("#scores-table td")]
            assert cells == ["1.83", "1.83", "2.20", "1.89"]
