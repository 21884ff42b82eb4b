"""Every kind of page shows a hostile label as text: in the page, the chart, the embedded JSON-LD,
the search results. Runs over a tiny release whose labels and texts are markup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from webkit import BASE, CFU, GRAPHS, make_settings, quads, write_release

from lima_lod.store import EmbeddedStore
from lima_lod.web.app import create_app

HOSTILE = '</script><script>alert("x")</script><b>bold</b>'
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PAGES = (
    "report/zz-2021",
    "commitment/99",
    "axis/Z",
    "criterion/relevance",
    "organization/evil",
    "finding/zz-2021/1",
    "observation/zz-2021/99/relevance",
)


def literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    g = f"<{GRAPHS['report/mx-2021']}>"
    lines = [*quads()]
    report, dataset = f"<{BASE}id/report/zz-2021>", f"<{BASE}id/dataset/zz-2021>"  # its slice
    c99, axis = f"<{BASE}id/commitment/99>", f"<{BASE}id/axis/Z>"
    crit, obs = f"<{BASE}id/criterion/relevance>", f"<{BASE}id/observation/zz-2021/99/relevance>"
    method, finding = f"<{BASE}id/methodology/zz>", f"<{BASE}id/finding/zz-2021/1>"
    org = f"<{BASE}id/organization/evil>"
    for s in (report, c99, axis, crit, obs, method, finding, org):
        lines.append(f"{s} <{LABEL}> {literal(HOSTILE)}@en {g} .")
    lines += [
        f"{report} <{CFU}methodology> {method} {g} .",
        f"{method} <{CFU}prioritises> {c99} {g} .",
        f'{c99} <{CFU}commitmentNumber> "99"^^<http://www.w3.org/2001/XMLSchema#integer> {g} .',
        f"{c99} <{CFU}thematicAxis> {axis} {g} .",
        f"{c99} <{CFU}text> {literal(HOSTILE)}@en {g} .",
        f"{axis} <{SKOS}notation> {literal('Z')} {g} .",
        f"{crit} <{SKOS}notation> {literal('relevance')} {g} .",
        f"{dataset} <http://www.w3.org/ns/prov#wasDerivedFrom> {report} {g} .",
        f"{dataset} <http://purl.org/linked-data/cube#observation> {obs} {g} .",
        f"{obs} <{CFU}commitment> {c99} {g} .",
        f"{obs} <{CFU}criterion> {crit} {g} .",
        f'{obs} <{CFU}score> "1.5"^^<http://www.w3.org/2001/XMLSchema#decimal> {g} .',
        f"{finding} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CFU}Finding> {g} .",
        f"{finding} <http://purl.org/dc/terms/isPartOf> {report} {g} .",
        f"{finding} <{CFU}text> {literal(HOSTILE)}@en {g} .",
        f"{finding} <{CFU}namesInstitution> {org} {g} .",
        f"{finding} <{CFU}sourceLocation> {literal(HOSTILE)} {g} .",
    ]
    dist = tmp_path_factory.mktemp("hostile")
    write_release(dist, lines)
    settings = make_settings(dist, workers=1)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as test_client:
        yield test_client


@pytest.mark.parametrize("key", PAGES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_hostile_label_is_text(client: TestClient, key: str, lang: str) -> None:
    response = client.get(f"/doc/{key}?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    page = BeautifulSoup(response.text, "lxml")
    scripts = page.find_all("script")
    # only our data block and our own static script: nothing the label smuggled in
    assert all(
        s.get("type") == "application/ld+json" or s.get("src") == "/static/sort.js" for s in scripts
    )
    assert page.find("b") is None
    assert page.find(id="title").get_text() == HOSTILE  # type: ignore[union-attr]
    data = json.loads(page.find("script", type="application/ld+json").string)  # type: ignore[union-attr]
    assert HOSTILE in strings(data)  # the JSON-LD still says it, unchanged


def strings(data: object) -> set[str]:
    """Every string value in a JSON document."""
    if isinstance(data, str):
        return {data}
    if isinstance(data, dict):
        return set().union(*(strings(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(strings(v) for v in data))
    return set()


def test_hostile_label_in_charts_and_search(client: TestClient, tmp_path: Path) -> None:
    report = BeautifulSoup(client.get("/doc/report/zz-2021").text, "lxml")
    svg = report.select_one("#axis-Z svg")
    assert svg is not None and svg.find("script") is None
    assert HOSTILE in svg.find("title").get_text()  # type: ignore[union-attr]
    found = BeautifulSoup(client.get("/search?q=alert").text, "lxml")
    assert found.select("#hits tr.hit") and found.find("b") is None
    assert all(s.get("type") == "application/ld+json" for s in found.find_all("script"))
