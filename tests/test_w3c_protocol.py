"""Replay the W3C SPARQL 1.1 Protocol and Service Description tests against the real server.

The manifests sit in ``tests/w3c/`` (copies of the W3C suite; its licence is there). Each test's
graph data is published as a release of its own (graphs named by their rdfs:label), the server
runs on 127.0.0.1, and each request is sent byte for byte over a socket (``/sparql/`` -> ``/sparql``).

The endpoint is read-only by design (issue 4): the seven tests that expect an update to
succeed are replayed expecting 403, and their follow-up query must show nothing changed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from webkit import raw_request

from lima_lod.settings import load_settings
from lima_lod.store import EmbeddedStore
from lima_lod.web.server import running

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tests" / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

pytestmark = pytest.mark.skipif(
    not SUITE.exists(), reason=f"the W3C test manifests are not at {SUITE}"
)


@dataclass
class Step:
    """One request of a test and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    statuses: set[str]  # "2xx", "3xx", "4xx"
    boolean: bool | None
    form: str | None  # "boolean", "tabular", "RDF"


@dataclass
class Case:
    name: str
    graphs: dict[str, Path] = field(default_factory=dict)  # graph IRI -> N-Triples file
    steps: list[Step] = field(default_factory=list)

    @property
    def updates(self) -> bool:
        """Say whether the test expects an update to succeed (the endpoint refuses it)."""
        first = self.steps[0]
        is_update = (
            "sparql-update" in first.headers.get("content-type", "")
            or first.body.startswith(b"update=")
            or "update=" in first.path
        )
        return is_update and "2xx" in first.statuses


def protocol_cases() -> list[Case]:
    manifest = Graph().parse(SUITE / "protocol" / "manifest.ttl", format="turtle")
    top = next(manifest.subjects(RDF.type, MF.Manifest))
    cases = []
    for test in Collection(manifest, manifest.value(top, MF.entries)):
        case = Case(str(test).rsplit("#", 1)[-1])
        for data in manifest.objects(test, UT.graphData):
            case.graphs[str(manifest.value(data, RDFS.label))] = Path(
                str(manifest.value(data, UT.graph)).removeprefix("file://")
            )
        action = manifest.value(test, MF.action)
        for request in Collection(manifest, manifest.value(action, HT.requests)):
            headers = {}
            if (header_list := manifest.value(request, HT.headers)) is not None:
                for header in Collection(manifest, header_list):
                    headers[str(manifest.value(header, HT.fieldName)).lower()] = str(
                        manifest.value(header, HT.fieldValue)
                    )
            body = b""
            if (content := manifest.value(request, HT.body)) is not None:
                encoding = str(manifest.value(content, CNT.characterEncoding) or "UTF-8")
                body = str(manifest.value(content, CNT.chars)).encode(encoding)
            response = manifest.value(request, HT.resp)
            expected = manifest.value(response, MF.expectedBoolean)
            form = manifest.value(response, MF.expectedFormat)
            case.steps.append(
                Step(
                    str(manifest.value(request, HT.methodName)),
                    str(manifest.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                    headers,
                    body,
                    {
                        str(s).rsplit("StatusCode", 1)[-1]
                        for s in manifest.objects(response, MF.expectedStatus)
                    },
                    expected.toPython() if isinstance(expected, Literal) else None,
                    str(form) if form is not None else None,
                )
            )
        cases.append(case)
    return cases


CASES = protocol_cases() if SUITE.exists() else []


def send(url: str, step: Step) -> tuple[int, str, bytes]:
    host = url.removeprefix("http://")
    head = [f"{step.method} {step.path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    head += [f"{name}: {value}" for name, value in step.headers.items()]
    if step.body or step.method == "POST":
        head.append(f"Content-Length: {len(step.body)}")
    status, headers, body = raw_request(url, ("\r\n".join(head) + "\r\n\r\n").encode() + step.body)
    return status, headers.get("content-type", ""), body


def boolean_of(content_type: str, body: bytes) -> bool:
    if "json" in content_type:
        return bool(json.loads(body)["boolean"])
    node = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None
    return node.text == "true"


FORMS = {
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "tabular": (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ),
    "RDF": ("application/rdf+xml", "text/turtle", "application/n-triples"),
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[frozenset[str], str]]:
    """One server per distinct set of graph data, each over a release of its own."""
    from contextlib import ExitStack

    datasets = {frozenset(case.graphs.items()) for case in CASES}
    urls = {}
    with ExitStack() as stack:
        for number, dataset in enumerate(sorted(datasets, key=len)):
            dist = tmp_path_factory.mktemp(f"w3c-{number}")
            lines = []
            for graph, source in sorted(dataset):
                for line in (SUITE / "protocol" / source.name).read_text().splitlines():
                    if line.strip():
                        lines.append(line.rstrip().removesuffix(".").rstrip() + f" <{graph}> .")
            folder = dist / "releases" / "w3c"
            folder.mkdir(parents=True)
            (folder / "lima-lod.nq").write_text("\n".join(lines) + "\n")
            (folder / "release.json").write_text(
                json.dumps({"version": "w3c", "built": "2012-11-20T00:00:00+00:00"})
            )
            (dist / "latest").symlink_to("releases/w3c")
            settings = load_settings({"dist": dist, "workers": 1}, environ={})
            urls[frozenset(g for g, _ in dataset)] = stack.enter_context(
                running(settings, EmbeddedStore.open(settings))
            )
        yield urls


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_protocol(case: Case, servers: dict[frozenset[str], str]) -> None:
    url = servers[frozenset(case.graphs)]
    for number, step in enumerate(case.steps):
        status, content_type, body = send(url, step)
        if case.updates:
            if number == 0:
                assert status == 403, body  # read-only: refused, never executed
                continue
            assert status == 200 and boolean_of(content_type, body) is False, (
                "the refused update changed nothing"
            )
            continue
        assert f"{status // 100}xx" in step.statuses, (status, body)
        if status >= 400:
            assert body and b"Traceback" not in body
            continue
        if step.form:
            assert content_type.split(";")[0] in FORMS[step.form], content_type
        if step.form == "RDF":
            Graph().parse(
                data=body,
                format={"application/rdf+xml": "xml", "application/n-triples": "nt"}.get(
                    content_type.split(";")[0], "turtle"
                ),
            )
        if step.boolean is not None:
            assert boolean_of(content_type, body) is step.boolean


# -- service description ------------------------------------------------------------------
def service_description(url: str, accept: str) -> Graph:
    step = Step("GET", "/sparql", {"accept": accept}, b"", {"2xx"}, None, None)
    status, content_type, body = send(url, step)
    assert status == 200
    media = content_type.split(";")[0]
    return Graph().parse(
        data=body,
        format={
            "text/turtle": "turtle",
            "application/rdf+xml": "xml",
            "application/ld+json": "json-ld",
        }[media],
    )


@pytest.mark.parametrize(
    "accept",
    [
        "text/turtle",
        "application/rdf+xml",
        "application/ld+json",
        "application/rdf+xml, text/turtle;q=0.5",
    ],
)
def test_service_description_returns_rdf(servers: dict[frozenset[str], str], accept: str) -> None:
    assert len(service_description(next(iter(servers.values())), accept)) > 0


def test_service_description_has_endpoint_triple(servers: dict[frozenset[str], str]) -> None:
    url = next(iter(servers.values()))
    graph = service_description(url, "text/turtle")
    endpoint = URIRef(f"{url}/sparql")
    assert (None, SD.endpoint, endpoint) in graph


SD_SCHEMA = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
sd:ServiceShape a sh:NodeShape ; sh:targetClass sd:Service ;
  sh:property [ sh:path sd:endpoint ; sh:minCount 1 ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:supportedLanguage ; sh:minCount 1 ;
                sh:in ( sd:SPARQL10Query sd:SPARQL11Query sd:SPARQL11Update ) ] ;
  sh:property [ sh:path sd:resultFormat ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:feature ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:defaultEntailmentRegime ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:defaultDataset ; sh:class sd:Dataset ; sh:maxCount 1 ] .
sd:DatasetShape a sh:NodeShape ; sh:targetClass sd:Dataset ;
  sh:property [ sh:path sd:defaultGraph ; sh:class sd:Graph ; sh:maxCount 1 ] ;
  sh:property [ sh:path sd:namedGraph ; sh:class sd:NamedGraph ] .
sd:NamedGraphShape a sh:NodeShape ; sh:targetClass sd:NamedGraph ;
  sh:property [ sh:path sd:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:graph ; sh:class sd:Graph ; sh:maxCount 1 ] .
"""


def test_service_description_conforms_to_schema(servers: dict[frozenset[str], str]) -> None:
    for url in servers.values():
        graph = service_description(url, "text/turtle")
        shapes = Graph().parse(data=SD_SCHEMA, format="turtle")
        conforms, _, report = validate(graph, shacl_graph=shapes)
        assert conforms, report
        assert (None, RDF.type, SD.Service) in graph
