"""The Mexico report against the shapes: no violation, and a warning for each real contradiction
in the report and nothing else.

The report contradicts itself in five places (see ``data/reports/mx-2021/ratings.yaml``):
commitment 10's printed country average, 1.89, is not the mean of its printed criteria (1.83,
1.83, 2.20: 1.953); and the prose quotes 0.95 for commitment 22 (table 0.94), 1.95 twice for
commitment 16 (table 1.94) and 1.55 for commitment 37 (table 1.56). Commitment 22's own average,
0.94 against a mean of 0.9467, is within rounding; commitment 41 has its row in Table 5 (the
source's last line), so the 1.61 quoted for it agrees with the table.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from lima_lod.build import build
from lima_lod.graphs import Built
from lima_lod.iris import DCTERMS, QB, SH, Iris
from lima_lod.rdfio import union
from lima_lod.validate import Report, load_shapes, validate

IRIS = Iris()
REPORT = "mx-2021"
SHAPES = f"{IRIS.shapes}#"

EXPECTED = Counter(
    {
        ("CountryAverageShape", str(IRIS.observation(REPORT, 10, "overall"))): 1,
        ("QuotedFigureMatchesTableShape", "quoted 0.95 for commitment 22"): 1,
        ("QuotedFigureMatchesTableShape", "quoted 1.95 for commitment 16"): 2,
        ("QuotedFigureMatchesTableShape", "quoted 1.55 for commitment 37"): 1,
    }
)


@pytest.fixture(scope="module")
def report(root: Path, built: Built) -> Report:
    return validate(built.dataset, load_shapes(root), built.locations)


def describe(graph: Graph, focus: Node, iris: Iris = IRIS) -> str:
    """A quoted figure by what it says (its IRI is only its position in the file), else the IRI."""
    cfu = iris.vocab
    if (focus, RDF.type, cfu.QuotedFigure) not in graph:
        return str(focus)
    parsed = iris.parse(str(graph.value(focus, cfu.commitment)))
    assert parsed is not None and parsed[0] == "commitment"
    return f"quoted {graph.value(focus, cfu.score)} for commitment {parsed[1][0]}"


def warnings(report: Report, graph: Graph, iris: Iris = IRIS) -> Counter[tuple[str, str]]:
    shapes_ns = f"{iris.shapes}#"
    return Counter(
        (str(r.shape).removeprefix(shapes_ns), describe(graph, r.focus, iris))
        for r in report.by_severity("Warning")
    )


def test_no_violations(report: Report) -> None:
    assert report.by_severity("Violation") == []
    assert report.conforms


def test_warnings_are_exactly_the_contradictions_of_the_report(
    report: Report, graph: Graph
) -> None:
    assert warnings(report, graph) == EXPECTED


def test_the_average_warning_gives_both_figures(report: Report) -> None:
    [result] = [
        r
        for r in report.by_severity("Warning")
        if r.focus == IRIS.observation(REPORT, 10, "overall")
    ]
    assert result.value is not None and Decimal(str(result.value)) == Decimal("1.89")
    # pyshacl drops the language tag of a message it fills in, so look at every message
    assert any("1.89" in m and "1.953" in m for m in result.messages.values())


def test_rounding_and_agreeing_figures_give_no_warning(report: Report, graph: Graph) -> None:
    cfu = IRIS.vocab
    focus = {r.focus for r in report.results}
    # 0.94 printed, 0.9467 the mean: rounding
    assert IRIS.observation(REPORT, 22, "overall") not in focus
    # commitment 41 has its table row, and the 1.61 quoted for it is that row's average
    assert graph.value(IRIS.observation(REPORT, 41, "overall"), cfu.score) is not None
    quoted_41 = set(graph.subjects(cfu.commitment, IRIS.commitment(41))) - set(
        graph.subjects(RDF.type, QB.Observation)
    )
    assert quoted_41 and not quoted_41 & focus


def test_every_warning_points_back_to_its_line_in_the_ratings_file(
    report: Report, graph: Graph
) -> None:
    for result in report.by_severity("Warning"):
        assert result.location is not None, result.focus
        assert result.location.file.endswith("reports/mx-2021/ratings.yaml")
        assert result.location.line > 0
        assert (result.focus, DCTERMS.isPartOf, IRIS.report(REPORT)) in graph or (
            IRIS.slice(REPORT),
            QB.observation,
            result.focus,
        ) in graph


def test_every_resource_is_the_focus_of_a_shape(root: Path, graph: Graph) -> None:
    """A node shape for every class the data uses, directly or through rdfs:subClassOf."""
    targeted = set(load_shapes(root).objects(None, SH.targetClass))
    minted = {
        s
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and IRIS.is_ours(str(s)) and IRIS.parse(str(s))
    }
    assert len(minted) > 300
    untargeted = {}
    for subject in minted:
        classes = {
            c
            for t in graph.objects(subject, RDF.type)
            for c in graph.transitive_objects(t, RDFS.subClassOf)
        }
        if not classes & targeted:
            untargeted[subject] = set(graph.objects(subject, RDF.type))
    assert untargeted == {}


def test_another_base_gives_the_same_warnings(root: Path) -> None:
    other = Iris("https://example.org/lod/")
    rebuilt = build(root, other)
    report = validate(rebuilt.dataset, load_shapes(root, other), rebuilt.locations)
    assert report.conforms
    expected = Counter(
        {(shape, key.replace(IRIS.base, other.base)): n for (shape, key), n in EXPECTED.items()}
    )
    assert warnings(report, union(rebuilt.dataset), other) == expected
