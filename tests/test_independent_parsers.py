"""Parsers we did not write read every RDF file of the release without a warning and count the
same triples (or quads): Apache Jena's riot, raptor's rapper, the n3 and jsonld npm packages, and
pyoxigraph. A tool that is not installed skips its test and says how to install it:

    apt-get install -y raptor2-utils libapache-jena-java default-jre-headless
    (cd tests/js && npm ci)        # jsonld and n3, pinned in tests/js/package-lock.json

(``bash tests/tools/install.sh`` does both where it can.)
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from releasekit import Released, release

from lima_lod.context import CONTEXT_FILE
from lima_lod.files import relative_files
from lima_lod.formats import Family, of_file
from lima_lod.release import read_release

JS = Path(__file__).parent / "js"
JAVA_LIB = Path("/usr/share/java")
#: SLF4J bindings that clash with slf4j-simple, which prints riot's warnings to stderr.
CLASHING_JARS = re.compile(
    r"log4j-over-slf4j|slf4j-(log4j12|jcl|jdk14|nop|migrator)|"
    r"maven3-slf4j-provider"
)
APT = "apt-get install -y raptor2-utils libapache-jena-java default-jre-headless"


@pytest.fixture(scope="module")
def released() -> Released:
    return release()


@pytest.fixture(scope="module")
def rdf_files(released: Released) -> list[str]:
    # the vocabulary's JSON-LD context is a context, not a graph: no triples to count
    files = [
        p
        for p in relative_files(released.folder)
        if of_file(p)[0].family in (Family.GRAPH, Family.DATASET) and Path(p).name != CONTEXT_FILE
    ]
    assert len(files) >= 15
    return files


@pytest.fixture(scope="module")
def expected(released: Released, rdf_files: list[str]) -> dict[str, int]:
    """What each file holds: release.json's counts for the dumps, rdflib's for the others."""
    summary = read_release(released.folder)
    counts = {}
    for path in rdf_files:
        fmt, _ = of_file(path)
        if path.startswith("lima-lod."):
            counts[path] = int(summary["quads" if fmt.family is Family.DATASET else "triples"])
        elif fmt.family is Family.DATASET:
            counts[path] = len(Dataset().parse(released.folder / path, format=fmt.rdflib))
        else:
            counts[path] = len(Graph().parse(released.folder / path, format=fmt.rdflib))
    return counts


# -- Apache Jena riot ----------------------------------------------------------------------------


def jena_classpath(tmp: Path) -> str:
    """Debian's Jena jars, one SLF4J binding, and the Xerces message bundles where Jena's shaded
    Xerces looks for them (Debian's jena-core ships them under org/apache/jena/ext/xerces/, but
    the classes load ``xerces/impl/msg/...``; without them every datatype check dies with
    "internal error")."""
    bundles = tmp / "xerces-bundles"
    with zipfile.ZipFile(JAVA_LIB / "jena-core.jar") as jar:
        for name in jar.namelist():
            prefix = "org/apache/jena/ext/xerces/"
            if name.startswith(prefix) and name.endswith(".properties"):
                target = bundles / "xerces" / name[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    jars = [str(p) for p in sorted(JAVA_LIB.glob("*.jar")) if not CLASHING_JARS.search(p.name)]
    return ":".join([str(bundles), *jars])


def riot(
    classpath: str, folder: Path, files: list[str], *extra: str
) -> tuple[dict[str, int], list[str]]:
    run = subprocess.run(
        ["java", "-cp", classpath, "riotcmd.riot", "--validate", "--count", *extra, *files],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = run.stdout + run.stderr
    counts = {}
    for match in re.finditer(
        r"^file://\S*?/(?P<name>[^/\s]+) : (Triples|Quads) = (?P<n>[\d,]+)", output, re.MULTILINE
    ):
        counts[match["name"]] = int(match["n"].replace(",", ""))
    problems = [line for line in output.splitlines() if re.search(r"\b(WARN|ERROR)\b", line)]
    if run.returncode:
        problems.append(f"exit {run.returncode}: {output[-2000:]}")
    return counts, problems


def test_jena_riot(
    released: Released, rdf_files: list[str], expected: dict[str, int], tmp_path: Path
) -> None:
    if shutil.which("java") is None or not (JAVA_LIB / "jena-arq.jar").exists():
        pytest.skip(f"Apache Jena is not installed: {APT}")
    classpath = jena_classpath(tmp_path)
    jsonld = [f for f in rdf_files if f.endswith(".jsonld")]
    others = [f for f in rdf_files if f not in jsonld]
    counts, problems = riot(classpath, released.folder, others)
    # Debian's Jena 1.1 JSON-LD parser has no JSON provider; its JSON-LD 1.0 parser works.
    more, more_problems = riot(classpath, released.folder, jsonld, "--syntax=jsonld10")
    assert not problems + more_problems
    found = {**counts, **more}
    for path in rdf_files:
        assert found.get(Path(path).name) == expected[path], path


# -- raptor's rapper -----------------------------------------------------------------------------

RAPPER_SYNTAX = {
    "turtle": "turtle",
    "ntriples": "ntriples",
    "rdfxml": "rdfxml",
    "trig": "trig",
    "nquads": "nquads",
}


def test_rapper(
    released: Released, rdf_files: list[str], expected: dict[str, int], tmp_path: Path
) -> None:
    if shutil.which("rapper") is None:
        pytest.skip(f"raptor's rapper is not installed: {APT}")
    checked = 0
    for path in rdf_files:
        fmt, compression = of_file(path)
        if fmt.name not in RAPPER_SYNTAX:
            continue  # raptor 2 has no JSON-LD parser
        source = released.folder / path
        if compression is not None:
            source = tmp_path / Path(path).stem
            source.write_bytes(gzip.decompress((released.folder / path).read_bytes()))
        run = subprocess.run(
            ["rapper", "-i", RAPPER_SYNTAX[fmt.name], "-c", str(source)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        assert not re.search(r"(?i)warning|error", run.stderr), (path, run.stderr)
        count = re.search(r"returned (\d+) (triple|statement)", run.stderr)
        assert count and int(count.group(1)) == expected[path], (path, run.stderr)
        checked += 1
    assert checked >= 10


# -- the n3 and jsonld npm packages --------------------------------------------------------------


def test_n3_and_jsonld_js(
    released: Released, rdf_files: list[str], expected: dict[str, int]
) -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: apt-get install -y nodejs npm")
    if not (JS / "node_modules" / "jsonld").exists() or not (JS / "node_modules" / "n3").exists():
        pytest.skip("the npm packages are not installed: (cd tests/js && npm ci)")
    files = [f for f in rdf_files if of_file(f)[0].name != "rdfxml"]  # neither reads RDF/XML
    run = subprocess.run(
        ["node", str(JS / "count.mjs"), *files],
        cwd=released.folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0 and not run.stderr.strip(), run.stderr
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["file"] for r in results] == files
    for result in results:
        assert "error" not in result, result
        assert result["count"] == expected[result["file"]], result
    assert {r["parser"] for r in results} == {"n3", "jsonld"}


# -- pyoxigraph ----------------------------------------------------------------------------------


def oxigraph_quads(path: Path, fmt_name: str) -> list[ox.Quad]:
    fmt = getattr(ox.RdfFormat, fmt_name)
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return list(ox.parse(data, format=fmt))


def test_pyoxigraph(released: Released, rdf_files: list[str], expected: dict[str, int]) -> None:
    for path in rdf_files:
        fmt, _ = of_file(path)
        assert fmt.oxigraph is not None
        assert len(oxigraph_quads(released.folder / path, fmt.oxigraph)) == expected[path], path


@pytest.mark.parametrize("name", ["lima-lod.jsonld", "lima-lod.rdf", "lima-lod.ttl"])
def test_pyoxigraph_reads_the_same_graph(released: Released, name: str) -> None:
    """Beyond counts: what oxigraph reads from JSON-LD, RDF/XML and Turtle is the N-Triples
    graph (compared with blank nodes matched)."""
    fmt, _ = of_file(name)
    quads = oxigraph_quads(released.folder / name, str(fmt.oxigraph))
    as_nt = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
    ours = Graph().parse(released.folder / "lima-lod.nt", format="nt")
    assert isomorphic(Graph().parse(data=as_nt, format="nt"), ours)
