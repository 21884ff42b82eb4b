"""The release's DCAT catalogue against DCAT-AP 3.0.1, the profile data portals harvest with
(CKAN's DCAT extension, data.europa.eu): SEMIC's own SHACL shapes, kept in tests/dcat-ap/.

No result on the mandatory and range shapes; on the recommended ones, only those that
docs/catalogue.md explains (listed here as EXPLAINED).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, Graph, URIRef
from releasekit import ROOT, Released, release

from lima_lod.iris import CC_BY_4, DCAT, DCTERMS, SH, Iris

SHAPES = ROOT / "tests" / "dcat-ap"
IRIS = Iris()
#: Recommended properties left out on purpose: (focus, property) -> why (docs/catalogue.md).
EXPLAINED = {
    (str(IRIS.ontology), "spatial"): "a vocabulary has no spatial coverage",
    (str(IRIS.shapes), "spatial"): "shapes have no spatial coverage",
    (str(IRIS.ontology), "temporal"): "a vocabulary has no temporal coverage",
    (str(IRIS.shapes), "temporal"): "shapes have no temporal coverage",
    (str(IRIS.country("MX")), "bbox"): "the geometry is Wikidata's and M49's to give",
    (str(IRIS.country("MX")), "centroid"): "as bbox",
    (str(IRIS.organization("lima-lod")), "type"): "no ADMS publisher type fits a project",
}


@pytest.fixture(scope="module")
def released() -> Released:
    return release()


@pytest.fixture(scope="module")
def catalog(released: Released) -> Graph:
    return Graph().parse(released.folder / "catalog.ttl")


def results(data: Graph, shapes: Path) -> Counter[tuple[str, str, str]]:
    _, report, _ = pyshacl.validate(
        data, shacl_graph=Graph().parse(shapes), inference="none", allow_warnings=True
    )
    assert isinstance(report, Graph)
    found: Counter[tuple[str, str, str]] = Counter()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = str(report.value(r, SH.resultPath))
        found[
            (
                str(report.value(r, SH.focusNode)),
                path.rsplit("/", 1)[-1].rsplit("#", 1)[-1],
                str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            )
        ] += 1
    return found


@pytest.mark.parametrize("shapes", ["shapes.ttl", "range.ttl"])
def test_mandatory_and_range_shapes_give_no_result(catalog: Graph, shapes: str) -> None:
    assert results(catalog, SHAPES / shapes) == Counter()


def test_recommended_shapes_give_only_the_explained_results(catalog: Graph) -> None:
    found = results(catalog, SHAPES / "shapes_recommended.ttl")
    assert {(focus, path) for focus, path, _ in found} == set(EXPLAINED)


def test_the_explanations_are_in_the_docs() -> None:
    text = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    for _, path in EXPLAINED:
        assert f"`{path}`" in text or path in text, path


def test_the_shapes_catch_a_bare_licence(catalog: Graph) -> None:
    """Not vacuous: the catalogue without the licence's class fails the range shapes."""
    broken = Graph()
    broken += catalog
    broken.remove((CC_BY_4, RDF.type, DCTERMS.LicenseDocument))
    assert any(path == "license" for _, path, _ in results(broken, SHAPES / "range.ttl"))


def test_every_distribution_has_a_format_and_availability(catalog: Graph) -> None:
    distributions = set(catalog.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) > 10
    for dist in distributions:
        assert isinstance(catalog.value(dist, DCTERMS["format"]), URIRef), dist
        assert catalog.value(dist, URIRef("http://data.europa.eu/r5r/availability")), dist
