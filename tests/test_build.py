"""The built dataset: named graphs, code lists, the Data Cube, labels and source locations."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from lima_lod.build import build
from lima_lod.graphs import Built
from lima_lod.iris import DCTERMS, PROV, QB, SKOS, WD, Iris
from lima_lod.load import load_corpus

IRIS = Iris()
CFU = IRIS.vocab


def test_named_graphs(built: Built) -> None:
    names = {str(g.identifier) for g in built.dataset.graphs() if len(g)}
    expected = {
        str(IRIS.graph(n)) for n in ("vocabulary", "code-lists", "organizations", "report/mx-2021")
    }
    assert expected <= names


def test_all_57_commitments_exist_and_19_are_prioritised(graph: Graph) -> None:
    agreement = IRIS.agreement("lima-2018")
    members = set(graph.subjects(SKOS.inScheme, agreement))
    assert len(members) == 57
    assert {int(graph.value(m, CFU.commitmentNumber)) for m in members} == set(range(1, 58))
    prioritised = set(graph.objects(None, CFU.prioritises))
    assert len(prioritised) == 19
    for commitment in prioritised:
        assert len(set(graph.objects(commitment, CFU.thematicAxis))) == 1
    unprioritised = members - prioritised
    assert all(graph.value(m, CFU.text) is None for m in unprioritised), "texts not in source"


def test_observations_form_a_complete_cube(graph: Graph) -> None:
    observations = set(graph.objects(IRIS.slice("mx-2021"), QB.observation))
    assert len(observations) == 19 * 4
    assert set(graph.subjects(QB.dataSet, IRIS.cube())) == observations
    cells = set()
    for o in observations:
        cell = tuple(
            graph.value(o, CFU[d]) for d in ("country", "period", "commitment", "criterion")
        )
        assert None not in cell
        cells.add(cell)
        score = graph.value(o, CFU.score)
        assert isinstance(score, Literal) and score.datatype == XSD.decimal
    assert len(cells) == len(observations)


def test_decimals_keep_the_printed_digits(graph: Graph) -> None:
    o = IRIS.observation("mx-2021", 2, "relevance")
    assert str(graph.value(o, CFU.score)) == "1.50"
    assert str(graph.value(IRIS.observation("mx-2021", 10, "sustainability"), CFU.score)) == "2.20"


def test_every_typed_resource_is_labelled(graph: Graph) -> None:
    unlabelled = [
        s
        for s in set(graph.subjects(RDF.type))
        if isinstance(s, URIRef)
        and IRIS.is_ours(str(s))
        and graph.value(s, RDFS.label) is None
        and (s, RDF.type, URIRef("http://www.w3.org/ns/org#Membership")) not in graph
    ]
    assert not unlabelled, unlabelled[:5]


def test_link_outs_are_the_certain_ones(graph: Graph) -> None:
    assert (IRIS.country("MX"), SKOS.exactMatch, WD.Q96) in graph
    outside = {
        o
        for _, p, o in graph.triples((None, None, None))
        if p in (SKOS.exactMatch, SKOS.relatedMatch, SKOS.closeMatch)
    }
    allowed = ("http://www.wikidata.org/entity/", "http://metadata.un.org/sdg/")
    assert all(str(o).startswith(allowed) for o in outside)
    assert (URIRef("http://www.w3.org/2002/07/owl#sameAs"), None) not in {
        (p, None) for p in graph.predicates()
    }


def test_provenance_of_the_report(graph: Graph) -> None:
    report = IRIS.report("mx-2021")
    assessment = graph.value(report, PROV.wasGeneratedBy)
    assert assessment is not None
    assert (assessment, PROV.used, IRIS.mint("methodology", "cco-follow-up")) in graph
    assert len(set(graph.objects(assessment, PROV.wasAssociatedWith))) >= 7
    assert len(set(graph.objects(assessment, PROV.wasInformedBy))) == 12


def test_locations_point_to_yaml_lines(built: Built, root: Path) -> None:
    where = built.locations[IRIS.observation("mx-2021", 10, "overall")]
    assert where.file == "data/reports/mx-2021/ratings.yaml"
    line = (root / where.file).read_text(encoding="utf-8").splitlines()[where.line - 1]
    assert line.split("#")[0].strip() == "average: 1.89"


def test_base_is_configurable(root: Path) -> None:
    other = Iris("https://data.example.org/cco/")
    built = build(root, other)
    subjects = {str(s) for s, _, _, _ in built.dataset.quads((None, None, None, None))}
    assert f"{other.base}id/commitment/10" in subjects
    assert not any(s.startswith("https://w3id.org/lima-lod/") for s in subjects)


def test_a_reference_is_titled_in_the_language_it_is_printed_in(built: Built, root: Path) -> None:
    """The References list prints Spanish titles: tagged @es, never passed off as English."""
    corpus = load_corpus(root / "data")
    graph = built.graph("report/mx-2021")
    iris = Iris()
    references = list(corpus.section("references"))
    assert {r.get("language", "en") for r in references} == {"en", "es"}
    for ref in references:
        iri = iris.in_report("reference", "mx-2021", ref["id"])
        lang = ref.get("language") or "en"
        (label,) = list(graph.objects(iri, RDFS.label))
        assert (str(label), label.language) == (ref["title"], lang), ref["id"]
        assert list(graph.objects(iri, DCTERMS.title)) == [Literal(ref["title"])]
