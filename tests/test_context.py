"""The vocabulary's JSON-LD context: generated from the ontology, published at
``{base}def/cfu/context.jsonld`` (and per version), embedded in the JSON-LD dump and documents, and
used by the framed view of each report. Two processors, PyLD and jsonld.js, expand what we
compacted and must give back the same graph.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.compare import isomorphic
from releasekit import ROOT, Released, release

from lima_lod.context import CONTEXT_FILE, build_context, frame_report
from lima_lod.iris import QB, Iris
from lima_lod.rdfio import union

IRIS = Iris()
CFU = IRIS.vocab
JS = ROOT / "tests" / "js"
REPORT = "mx-2021"


@pytest.fixture(scope="module")
def released() -> Released:
    return release()


@pytest.fixture(scope="module")
def context(released: Released) -> dict[str, Any]:
    return build_context(released.built.graph("vocabulary"), IRIS)


@pytest.fixture
def client(published: TestClient) -> TestClient:
    return published


def pyld_graph(document: dict[str, Any]) -> Graph:
    jsonld = pytest.importorskip("pyld.jsonld", reason="PyLD is not installed")

    def refuse(url: str, options: object = None) -> None:
        raise RuntimeError(f"refused to fetch {url}")

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": refuse})
    return Graph().parse(data=nquads, format="nquads")


def jsonldjs_graph(path: Path) -> Graph:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    if not (JS / "node_modules" / "jsonld").is_dir():
        pytest.skip("the npm packages are not installed: (cd tests/js && npm ci)")
    run = subprocess.run(
        ["node", str(JS / "to-nquads.mjs"), str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return Graph().parse(data=run.stdout, format="nquads")


# -- the context ------------------------------------------------------------------------------
def test_every_term_has_a_key(released: Released, context: dict[str, Any]) -> None:
    vocabulary = released.built.graph("vocabulary")
    for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in vocabulary.subjects(RDF.type, t):
            key = str(term).removeprefix(str(CFU))
            definition = context[key]
            iri = definition if isinstance(definition, str) else definition["@id"]
            assert iri == str(term)


def test_values_are_typed_as_the_vocabulary_says(context: dict[str, Any]) -> None:
    assert context["commitment"] == {"@id": str(CFU.commitment), "@type": "@id"}
    assert context["score"]["@type"] == "http://www.w3.org/2001/XMLSchema#decimal"
    assert context["period"]["@type"] == "http://www.w3.org/2001/XMLSchema#gYear"
    assert context["text"] == {"@id": str(CFU.text), "@container": "@language"}
    assert context["Commitment"] == str(CFU.Commitment)
    assert context["cfu"] == str(CFU)


@pytest.mark.parametrize("path", ["/def/cfu/context.jsonld", "/def/cfu/1.0.0/context.jsonld"])
def test_the_context_is_served(client: TestClient, context: dict[str, Any], path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/ld+json")
    assert answer.json() == {"@context": context}


def test_an_unknown_version_has_no_context(client: TestClient) -> None:
    assert client.get("/def/cfu/0.0.1/context.jsonld").status_code == 404


def test_the_release_ships_the_context(released: Released, context: dict[str, Any]) -> None:
    shipped = json.loads((released.folder / "vocabulary" / CONTEXT_FILE).read_text("utf-8"))
    assert shipped == {"@context": context}


# -- compacted JSON that expands back to the same graph ---------------------------------------
def test_the_dump_reads_as_plain_json(released: Released) -> None:
    doc = json.loads((released.folder / "lima-lod.jsonld").read_text("utf-8"))
    assert isinstance(doc["@context"], dict)  # embedded: nothing depends on the network
    ten = next(
        n for n in doc["@graph"] if n.get("id") == str(IRIS.observation(REPORT, 10, "overall"))
    )
    assert ten["commitment"] == str(IRIS.commitment(10))
    assert ten["score"] == "1.89"  # a decimal stays exact: JSON numbers are doubles in JSON-LD
    assert ten["type"] == "qb:Observation"


@pytest.fixture(scope="module")
def dump_graph(released: Released) -> Graph:
    return Graph().parse(released.folder / "lima-lod.nt", format="nt")


def test_pyld_expands_the_dump_to_the_same_graph(released: Released, dump_graph: Graph) -> None:
    doc = json.loads((released.folder / "lima-lod.jsonld").read_text("utf-8"))
    assert isomorphic(pyld_graph(doc), dump_graph)


def test_jsonld_js_expands_the_dump_to_the_same_graph(
    released: Released, dump_graph: Graph
) -> None:
    assert isomorphic(jsonldjs_graph(released.folder / "lima-lod.jsonld"), dump_graph)


def test_documents_are_compacted_with_the_context(client: TestClient) -> None:
    answer = client.get("/doc/commitment/10.jsonld")
    assert answer.status_code == 200
    doc = answer.json()
    node = next(n for n in doc.get("@graph", [doc]) if n.get("id") == str(IRIS.commitment(10)))
    assert node["thematicAxis"] == str(IRIS.axis("A"))
    assert set(node["text"]) >= {"en"}  # a language map
    turtle = Graph().parse(data=client.get("/doc/commitment/10.ttl").content, format="turtle")
    assert isomorphic(pyld_graph(doc), turtle)


# -- the framed view of a report --------------------------------------------------------------
@pytest.fixture(scope="module")
def framed(released: Released, context: dict[str, Any]) -> dict[str, Any]:
    path = released.folder / "reports" / f"{REPORT}.jsonld"
    doc: dict[str, Any] = json.loads(path.read_text("utf-8"))
    assert doc == json.loads(
        json.dumps(frame_report(union(released.built.dataset), IRIS.report(REPORT), context))
    )
    return doc


def test_a_report_holds_its_ratings(framed: dict[str, Any], graph: Graph) -> None:
    assert framed["id"] == str(IRIS.report(REPORT))
    [dataset] = framed["datasets"]
    assert dataset["id"] == str(IRIS.slice(REPORT))
    ratings = dataset["ratings"]
    assert len(ratings) == len(set(graph.objects(IRIS.slice(REPORT), QB.observation)))
    assert {r["dataSet"] for r in ratings} == {str(IRIS.cube())}
    ten = next(r for r in ratings if r["id"] == str(IRIS.observation(REPORT, 10, "overall")))
    assert (ten["commitment"], ten["criterion"], ten["score"]) == (
        str(IRIS.commitment(10)),
        str(IRIS.criterion("overall")),
        "1.89",
    )
    keys = [(r["commitment"], r["criterion"]) for r in ratings]
    assert keys == sorted(keys)


def expected_report_graph(graph: Graph) -> Graph:
    report, piece = IRIS.report(REPORT), IRIS.slice(REPORT)
    out = Graph()
    out += graph.triples((report, None, None))
    out += graph.triples((piece, None, None))
    for observation in graph.objects(piece, QB.observation):
        out += graph.triples((observation, None, None))
    return out


def test_pyld_expands_the_framed_view_to_the_same_graph(
    framed: dict[str, Any], graph: Graph
) -> None:
    assert isomorphic(pyld_graph(framed), expected_report_graph(graph))


def test_jsonld_js_expands_the_framed_view_to_the_same_graph(
    released: Released, graph: Graph
) -> None:
    path = released.folder / "reports" / f"{REPORT}.jsonld"
    assert isomorphic(jsonldjs_graph(path), expected_report_graph(graph))


def test_the_context_is_not_vacuous(context: dict[str, Any]) -> None:
    """A context that lost its coercions expands to another graph (strings, not IRIs)."""
    broken = {**context, "commitment": str(CFU.commitment)}
    doc = {
        "@context": broken,
        "id": str(IRIS.observation(REPORT, 10, "overall")),
        "commitment": str(IRIS.commitment(10)),
    }
    graph = pyld_graph(doc)
    assert not isinstance(graph.value(predicate=CFU.commitment, any=False), URIRef)
