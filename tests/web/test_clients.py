"""Real clients, unmodified, against the real server: SPARQLWrapper, Jena rsparql, Comunica.

Tools that are absent skip, saying what to install:
  Jena:     apt-get install libapache-jena-java default-jre-headless
  Comunica: npm install @comunica/query-sparql@4 (Node 20), found on PATH, in tests/js or ./
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper
from webkit import LABEL, SLASHED, make_settings

from lima_lod.store import EmbeddedStore
from lima_lod.web.server import running

ROOT = Path(__file__).resolve().parents[2]
LABELS = f"SELECT ?label WHERE {{ <{SLASHED}> <{LABEL}> ?label }}"
CAP = 5


@pytest.fixture(scope="module")
def capped(dist: Path, store: EmbeddedStore) -> Iterator[str]:
    """A server whose result cap is small, to see clients read a cut result."""
    with running(make_settings(dist, max_results=CAP, workers=1), store) as url:
        yield f"{url}/sparql"


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_ask_construct(live: str, method: str) -> None:
    client = SPARQLWrapper(f"{live}/sparql")
    client.setMethod(method)
    client.setQuery(LABELS)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert [r["label"]["value"] for r in rows] == ["Slashed"]
    client.setReturnFormat(XML)
    client.setQuery(f"ASK {{ <{SLASHED}> ?p ?o }}")
    document = client.query().convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"
    client.setQuery(f"CONSTRUCT WHERE {{ <{SLASHED}> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert (URIRef(SLASHED), URIRef(LABEL), None) in graph


def test_sparqlwrapper_reads_a_cut_result(capped: str) -> None:
    client = SPARQLWrapper(capped)
    client.setQuery("SELECT ?s WHERE { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    result = client.query()
    assert result.info()["x-result-truncated"] == "true"
    assert len(result.convert()["results"]["bindings"]) == CAP  # type: ignore[index]


# -- Apache Jena (Debian's jars) ----------------------------------------------------------------
def jena_classpath(work: Path) -> str:
    """Debian's Jena jars and their dependencies, with the Xerces bundles its classes look for."""
    java_dir = Path("/usr/share/java")
    if shutil.which("java") is None or not (java_dir / "jena-arq.jar").exists():
        pytest.skip("needs Jena: apt-get install libapache-jena-java default-jre-headless")
    packages = subprocess.run(
        [
            "apt-cache",
            "depends",
            "--recurse",
            "--no-recommends",
            "--no-suggests",
            "--no-conflicts",
            "--no-breaks",
            "--no-replaces",
            "--no-enhances",
            "libapache-jena-java",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    names = sorted({line for line in packages.splitlines() if line and not line[0].isspace()})
    listed = subprocess.run(
        ["dpkg", "-L", *names], capture_output=True, text=True, check=False
    ).stdout  # some names are virtual packages
    jars = [
        line
        for line in listed.splitlines()
        if line.startswith(str(java_dir))
        and line.endswith(".jar")
        and Path(line).is_symlink()
        and "slf4j" not in line
        and "log4j" not in line
    ]
    jars += [str(java_dir / "slf4j-api.jar"), str(java_dir / "slf4j-nop.jar")]
    # Debian's jena-core relocates Xerces to the package ``xerces`` but keeps its message
    # bundles under org/apache/jena/ext/xerces and lacks the regex one: "internal error".
    fix = work / "jena-xerces"
    with zipfile.ZipFile(java_dir / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/impl/msg/") and name.endswith(
                ".properties"
            ):
                target = fix / "xerces/impl/msg" / Path(name).name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    regex = fix / "xerces/impl/xpath/regex/message.properties"
    regex.parent.mkdir(parents=True, exist_ok=True)
    regex.touch()
    return ":".join([*jars, str(fix)])


@pytest.fixture(scope="module")
def rsparql(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return ["java", "-cp", jena_classpath(tmp_path_factory.mktemp("jena")), "arq.rsparql"]


@pytest.mark.parametrize("post", [False, True], ids=["get", "post-h2c"])
def test_jena_rsparql_select(rsparql: list[str], live: str, post: bool) -> None:
    command = [
        *rsparql,
        *(["--post"] if post else []),
        "--results=json",
        "--service",
        f"{live}/sparql",
        LABELS,
    ]
    output = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    rows = json.loads(output.stdout)["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["Slashed"]


def test_jena_rsparql_construct_and_a_cut_result(
    rsparql: list[str], live: str, capped: str
) -> None:
    construct = subprocess.run(
        [*rsparql, "--service", f"{live}/sparql", f"DESCRIBE <{SLASHED}>"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    graph = Graph().parse(data=construct.stdout, format="turtle")
    assert (URIRef(SLASHED), URIRef(LABEL), None) in graph
    cut = subprocess.run(
        [*rsparql, "--results=json", "--service", capped, "SELECT ?s WHERE { ?s ?p ?o }"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert len(json.loads(cut.stdout)["results"]["bindings"]) == CAP


# -- Comunica -----------------------------------------------------------------------------------
def comunica() -> str:
    for candidate in (
        shutil.which("comunica-sparql"),
        ROOT / "tests/js/node_modules/.bin/comunica-sparql",
        ROOT / "node_modules/.bin/comunica-sparql",
    ):
        if candidate and Path(candidate).exists():
            return str(candidate)
    pytest.skip("needs Comunica: npm install @comunica/query-sparql@4 (Node 20)")


@pytest.mark.parametrize("source", ["sparql@{url}", "{url}"], ids=["typed", "discovered"])
def test_comunica(live: str, source: str) -> None:
    url = source.format(url=f"{live}/sparql")  # untyped: found through the service description
    output = subprocess.run(
        [comunica(), url, LABELS], capture_output=True, text=True, timeout=120, check=True
    )
    assert "failed" not in output.stderr
    assert [row["label"] for row in json.loads(output.stdout)] == ['"Slashed"']


def test_comunica_construct(live: str) -> None:
    output = subprocess.run(
        [
            comunica(),
            f"sparql@{live}/sparql",
            "-t",
            "application/n-triples",
            f"CONSTRUCT WHERE {{ <{SLASHED}> ?p ?o }}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    graph = Graph().parse(data=output.stdout, format="nt")
    assert (URIRef(SLASHED), URIRef(LABEL), None) in graph
