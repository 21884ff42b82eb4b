"""The SHACL shapes (shapes/cfu-shapes.ttl), constraint by constraint, and their own metadata.

A small graph that follows every rule (``WORLD``, with the vocabulary for rdfs:subClassOf
targeting) validates with no result at all. Each case of ``CASES`` edits it - removes triples,
adds Turtle - and states the exact set of results pyshacl must then give, as
(severity, focus node, result path, source shape[, value]) read from the results graph. Cases
whose expected set is empty are the conforming edge cases (a tolerance, an exemption, a subclass).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
import shape_cases_context
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from lima_lod.iris import CC_BY_4, DCTERMS, SH, Iris
from lima_lod.validate import ParsedOnce, validate

IRIS = Iris()
SHAPES = Namespace(f"{IRIS.shapes}#")
X = Namespace(f"{IRIS.base}id/test/")

PREFIXES = {
    "x": str(X),
    "shapes": str(SHAPES),
    "cfu": str(IRIS.vocab),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": str(SH),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "qb": "http://purl.org/linked-data/cube#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}
TURTLE_PREFIXES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())

#: The shapes whose results are warnings: contradictions between published figures.
WARNING_SHAPES = {
    SHAPES[name]
    for name in (
        "CountryAverageShape",
        "QuotedFigureMatchesTableShape",
        "QuotedFigureInTableShape",
        "PrioritisedCommitmentRatedShape",
        "MethodologyCountShape",
    )
}

#: Per commitment: relevance, effectiveness, sustainability, and the printed average. x:c1 is
#: like Mexico's commitment 22 (0.94 printed, mean 0.9467: within tolerance), x:c2 like 41.
RATINGS = {"c1": ("1.17", "1.00", "0.67", "0.94"), "c2": ("1.83", "1.33", "1.67", "1.61")}
CRITERIA = ("relevance", "effectiveness", "sustainability", "overall")


def _observations() -> str:
    out = []
    for commitment, scores in RATINGS.items():
        for criterion, score in zip(CRITERIA, scores, strict=True):
            out.append(f"""
x:{commitment}-{criterion} a qb:Observation ; rdfs:label "{commitment} {criterion}"@en ;
    qb:dataSet x:dataset ; cfu:country x:MX ; cfu:period "2021"^^xsd:gYear ;
    cfu:commitment x:{commitment} ; cfu:criterion x:{criterion} ; cfu:score {score} ;
    dcterms:source x:doc ; cfu:sourceLocation "Annex 1, Table 1" .""")
    return "".join(out)


#: The observations of the report's slice, as Turtle objects.
OBSERVATIONS = " , ".join(f"x:{c}-{k}" for c in RATINGS for k in CRITERIA)


def _sourced(location: str = "Somewhere") -> str:
    return f'dcterms:source x:doc ; cfu:sourceLocation "{location}"'


WORLD = (
    TURTLE_PREFIXES
    + f"""
x:doc a foaf:Document , prov:Entity ; rdfs:label "Source"@en ; dcterms:title "Source"@en ;
    dcterms:publisher x:tm .

x:agreement a cfu:Agreement , skos:ConceptScheme ; rdfs:label "Agreement"@en ;
    dcterms:title "Agreement"@en ; skos:prefLabel "Agreement"@en ;
    cfu:commitmentCount "3"^^xsd:nonNegativeInteger ;
    skos:hasTopConcept x:c1 , x:c2 , x:c3 ;
    skos:relatedMatch <http://metadata.un.org/sdg/16.5> ; {_sourced()} .
x:c1 a cfu:Commitment , skos:Concept ; rdfs:label "Commitment 1"@en ;
    skos:prefLabel "Commitment 1"@en ; skos:inScheme x:agreement ;
    cfu:commitmentNumber "1"^^xsd:positiveInteger ; cfu:text "Protecting whistleblowers."@en ;
    cfu:thematicAxis x:axisA ; {_sourced("Annex 1, Table 1")} .
x:c2 a cfu:Commitment , skos:Concept ; rdfs:label "Commitment 2"@en ;
    skos:prefLabel "Commitment 2"@en ; skos:inScheme x:agreement ;
    cfu:commitmentNumber "2"^^xsd:positiveInteger ; cfu:summary "freezing proceeds"@en ;
    cfu:thematicAxis x:axisA ; {_sourced("Results, bullet 5")} .
# by number only: no text, so no source is required
x:c3 a cfu:Commitment , skos:Concept ; rdfs:label "Commitment 3"@en ;
    skos:prefLabel "Commitment 3"@en ; skos:inScheme x:agreement ;
    cfu:commitmentNumber "3"^^xsd:positiveInteger .

x:axes a skos:ConceptScheme ; rdfs:label "Axes"@en ; skos:hasTopConcept x:axisA .
x:axisA a cfu:ThematicAxis , skos:Concept ; rdfs:label "Axis A"@en ; skos:prefLabel "Axis A"@en ;
    skos:inScheme x:axes ; skos:notation "A" ; {_sourced()} .

x:criteria a skos:ConceptScheme ; rdfs:label "Criteria"@en ; skos:hasTopConcept x:overall .
# no definition printed for the average: allowed
x:overall a cfu:Criterion , skos:Concept ; rdfs:label "Country average"@en ;
    skos:prefLabel "Country average"@en ; skos:inScheme x:criteria ; skos:notation "overall" ;
    {_sourced()} .
"""
    + "".join(
        f"""
x:{name} a cfu:Criterion , skos:Concept ; rdfs:label "{name}"@en ; skos:prefLabel "{name}"@en ;
    skos:inScheme x:criteria ; skos:notation "{name}" ; skos:broader x:overall ;
    skos:definition "How {name} is rated."@en ; {_sourced()} ."""
        for name in CRITERIA[:3]
    )
    + f"""

x:scale a skos:ConceptScheme ; rdfs:label "Scale"@en ; skos:hasTopConcept x:level0 .
x:level0 a cfu:ScaleLevel , skos:Concept ; rdfs:label "no records"@en ;
    skos:prefLabel "no records"@en ; skos:inScheme x:scale ; rdf:value 0 ; {_sourced()} .

x:countries a skos:ConceptScheme ; rdfs:label "Countries"@en ; skos:hasTopConcept x:MX .
x:MX a skos:Concept , dcterms:Location ; rdfs:label "Mexico"@en ; skos:prefLabel "Mexico"@en ;
    skos:inScheme x:countries .

x:method a cfu:Methodology ; rdfs:label "Methodology"@en ; dcterms:title "Methodology"@en ;
    cfu:followsUp x:agreement ; cfu:prioritises x:c1 , x:c2 ;
    cfu:commitmentCount "2"^^xsd:nonNegativeInteger ; cfu:countryCount "1"^^xsd:nonNegativeInteger ;
    cfu:axisCount "1"^^xsd:nonNegativeInteger ;
    cfu:normativeQuestionCount "75"^^xsd:nonNegativeInteger ;
    cfu:practicalQuestionCount "64"^^xsd:nonNegativeInteger ;
    cfu:criteria x:criteria ; cfu:scale x:scale ; foaf:page <https://example.org/method> ;
    {_sourced()} .

x:report a cfu:FollowUpReport , foaf:Document ; rdfs:label "Report"@en ;
    dcterms:title "Report"@en ; cfu:country x:MX ; dcterms:issued "2021"^^xsd:gYear ;
    cfu:followsUp x:agreement ; cfu:methodology x:method ; cfu:observatory x:obs ;
    cfu:localPartner x:tm ; dcterms:publisher x:tm ; prov:wasGeneratedBy x:assessment ;
    dcterms:references x:ref1 ; {_sourced("Cover")} .
x:assessment a cfu:Assessment ; rdfs:label "Assessment"@en ; prov:used x:method ;
    prov:generated x:report ; prov:wasAssociatedWith x:tm ; prov:wasInformedBy x:interview .
x:event a prov:Activity ; rdfs:label "Summit"@en .

x:structure a qb:DataStructureDefinition ; rdfs:label "Structure"@en ;
    qb:component x:s-country , x:s-period , x:s-commitment , x:s-criterion , x:s-score ;
    qb:sliceKey x:sliceKey .
x:sliceKey a qb:SliceKey ; rdfs:label "One report"@en ;
    qb:componentProperty cfu:country , cfu:period .
x:s-country a qb:ComponentSpecification ; rdfs:label "country"@en ; qb:dimension cfu:country ;
    qb:order 1 .
x:s-period a qb:ComponentSpecification ; rdfs:label "period"@en ; qb:dimension cfu:period ;
    qb:order 2 .
x:s-commitment a qb:ComponentSpecification ; rdfs:label "commitment"@en ;
    qb:dimension cfu:commitment ; qb:order 3 .
x:s-criterion a qb:ComponentSpecification ; rdfs:label "criterion"@en ;
    qb:dimension cfu:criterion ; qb:order 4 .
x:s-score a qb:ComponentSpecification ; rdfs:label "score"@en ; qb:measure cfu:score .
cfu:commitment qb:codeList x:agreement .
cfu:criterion qb:codeList x:criteria .
cfu:country qb:codeList x:countries .

x:dataset a qb:DataSet ; rdfs:label "Ratings"@en ; qb:structure x:structure ; qb:slice x:slice .
x:slice a qb:Slice ; rdfs:label "Ratings of the report"@en ; qb:sliceStructure x:sliceKey ;
    prov:wasDerivedFrom x:report ; cfu:country x:MX ; cfu:period "2021"^^xsd:gYear ;
    qb:observation {OBSERVATIONS} .
{_observations()}

# same value as the table's 0.94, written differently
x:qf1 a cfu:QuotedFigure ; rdfs:label "Figure 0.940"@en ; cfu:commitment x:c1 ;
    cfu:criterion x:overall ; cfu:score 0.940 ; cfu:quote "rated 0.940"@en ;
    cfu:thematicAxis x:axisA ; dcterms:isPartOf x:report ; {_sourced("Results, bullet 2")} .

x:finding1 a cfu:Finding ; rdfs:label "Finding 1"@en ; cfu:text "A finding."@en ;
    cfu:thematicAxis x:axisA ; cfu:aboutCommitment x:c1 ; cfu:namesInstitution x:pi ;
    dcterms:isPartOf x:report ; {_sourced()} .
x:progress1 a cfu:Progress ; rdfs:label "Progress 1"@en ; cfu:text "A progress."@en ;
    cfu:namesInstitution x:pi ; dcterms:isPartOf x:report ; {_sourced()} .
x:weakness1 a cfu:Weakness ; rdfs:label "Weakness 1"@en ; cfu:text "A weakness."@en ;
    cfu:aboutCommitment x:c2 ; dcterms:isPartOf x:report ; {_sourced()} .
x:call1 a cfu:CallToAction ; rdfs:label "Call 1"@en ; cfu:text "Do this."@en ;
    cfu:thematicAxis x:axisA ; cfu:namesInstitution x:pi ; dcterms:isPartOf x:report ;
    {_sourced()} .
x:call2 a cfu:CallToAction ; rdfs:label "Call 2"@en ; cfu:text "In detail."@en ;
    cfu:thematicAxis x:axisA ; cfu:partOfCall x:call1 ; dcterms:isPartOf x:report ;
    {_sourced()} .
x:figure1 a cfu:ContextFigure ; rdfs:label "Figure 1"@en ; rdf:value 13 ; cfu:outOf 32 ;
    cfu:text "13 of 32 entities published."@en ; dcterms:isPartOf x:report ; {_sourced()} .
x:ref1 a dcterms:BibliographicResource ; rdfs:label "A study"@en ; dcterms:title "A study" ;
    dcterms:date "2019"^^xsd:gYear ; foaf:page <https://example.org/study> ;
    dcterms:isPartOf x:report ; {_sourced("References")} .

x:tm a org:Organization , cfu:CivilSocietyOrganization ; rdfs:label "TM"@en ;
    skos:prefLabel "TM"@en ; foaf:name "TM" ; foaf:homepage <https://www.tm.org.mx/> ;
    dcterms:spatial x:MX ; org:subOrganizationOf x:ti ; {_sourced("Credits")} .
x:ti a org:Organization ; rdfs:label "TI"@en ; skos:exactMatch <http://www.wikidata.org/entity/Q1> ;
    {_sourced()} .
x:pi a org:Organization , cfu:PublicInstitution ; rdfs:label "Prosecutor"@en ; org:memberOf x:ti ;
    {_sourced()} .
x:obs a org:Organization , cfu:CivilSocietyOrganization ; rdfs:label "Observatory"@en ;
    {_sourced()} .
# a report's working group: sourced through its members' memberships, so exempt
x:unit a org:OrganizationalUnit , org:Organization ; rdfs:label "Working group"@en ;
    org:unitOf x:tm .
x:person a foaf:Person ; rdfs:label "Paola"@en ; foaf:name "Paola" ; cfu:printedName "P., Paola" .
x:coordinator a org:Role ; rdfs:label "Coordinator"@en ; skos:prefLabel "Coordinator"@en .
# memberships carry no label
x:membership a org:Membership ; org:member x:person ; org:organization x:unit ;
    org:role x:coordinator ; dcterms:isPartOf x:report ; {_sourced("Credits")} .
x:interview a cfu:Interview ; rdfs:label "Interview"@en ; cfu:interviewee x:person ;
    cfu:month "2021-05"^^xsd:gYearMonth ; prov:wasAssociatedWith x:tm ;
    dcterms:isPartOf x:report ; {_sourced("Specialists")} .
"""
)

#: A full second thematic axis, agreement, dataset... for cases that need a second valid one.
AXIS_B = f"""x:axisB a cfu:ThematicAxis , skos:Concept ; rdfs:label "Axis B"@en ;
    skos:prefLabel "Axis B"@en ; skos:inScheme x:axes ; skos:notation "B" ; {_sourced()} ."""
AGREEMENT_2 = f"""x:agreement2 a cfu:Agreement , skos:ConceptScheme ; rdfs:label "Other"@en ;
    dcterms:title "Other"@en ; cfu:commitmentCount "9"^^xsd:nonNegativeInteger ; {_sourced()} ."""
DATASET_2 = """x:dataset2 a qb:DataSet ; rdfs:label "Ratings 2"@en ; qb:structure x:structure ."""
FOREIGN_CODE = """x:otherScheme a skos:ConceptScheme ; rdfs:label "Other codes"@en .
x:XX a skos:Concept ; rdfs:label "Elsewhere"@en ; skos:prefLabel "Elsewhere"@en ;
    skos:inScheme x:otherScheme ."""
QUOTED_C3 = f"""x:qf2 a cfu:QuotedFigure ; rdfs:label "Figure 1.61"@en ; cfu:commitment x:c3 ;
    cfu:criterion x:overall ; cfu:score 1.61 ; cfu:quote "rated 1.61"@en ;
    dcterms:isPartOf x:report ; {_sourced()} ."""


#: A result as the cases state it: (severity, focus, path, shape[, value]), terms as prefixed names.
Expected = tuple[str | None, ...]


@dataclass(frozen=True)
class Case:
    """An edit of WORLD and the exact results it must give."""

    id: str
    remove: tuple[str, ...] = ()  # "subject predicate object" patterns, "*" matches anything
    add: str = ""  # Turtle, with the prefixes of PREFIXES
    expect: frozenset[Expected] = frozenset()


def case(
    id: str, remove: Iterable[str] = (), add: str = "", expect: Iterable[Expected] = ()
) -> Case:
    return Case(id, tuple(remove), add, frozenset(expect))


def set_(subject: str, predicate: str, value: str) -> tuple[tuple[str], str]:
    """Replace every value of one property of one subject."""
    return (f"{subject} {predicate} *",), f"{subject} {predicate} {value} ."


def changed(id: str, subject: str, predicate: str, value: str, expect: Iterable[Expected]) -> Case:
    remove, add = set_(subject, predicate, value)
    return case(id, remove, add, expect)


V, W = "Violation", "Warning"


def obs_without(predicate: str) -> str:
    """Remove one property of an average observation (no other shape depends on it)."""
    return f"x:c2-overall {predicate} *"


CASES: list[Case] = [
    # -- shared: labels, sources, scores, report membership, statement texts --------------------
    case(
        "label missing", ["x:c1 rdfs:label *"], expect=[(V, "x:c1", "rdfs:label", "shapes:label")]
    ),
    case(
        "label only in Spanish",
        ["x:finding1 rdfs:label *"],
        'x:finding1 rdfs:label "Hallazgo 1"@es .',
        [(V, "x:finding1", "rdfs:label", "shapes:label")],
    ),
    case(
        "two English labels",
        add='x:report rdfs:label "Another"@en .',
        expect=[(V, "x:report", "rdfs:label", "shapes:label")],
    ),
    case(
        "label missing on a subclass instance (cfu:Progress)",
        ["x:progress1 rdfs:label *"],
        expect=[(V, "x:progress1", "rdfs:label", "shapes:label")],
    ),
    case(
        "label missing on an observation",
        ["x:c1-relevance rdfs:label *"],
        expect=[(V, "x:c1-relevance", "rdfs:label", "shapes:label")],
    ),
    case(
        "a Spanish label beside the English one is fine", add='x:c1 rdfs:label "Compromiso 1"@es .'
    ),
    case(
        "source missing on an observation",
        ["x:c1-relevance dcterms:source *"],
        expect=[(V, "x:c1-relevance", "dcterms:source", "shapes:source")],
    ),
    changed(
        "source is a literal",
        "x:finding1",
        "dcterms:source",
        '"the report"',
        [(V, "x:finding1", "dcterms:source", "shapes:source")],
    ),
    case(
        "source location missing on a quoted figure",
        ["x:qf1 cfu:sourceLocation *"],
        expect=[(V, "x:qf1", "cfu:sourceLocation", "shapes:source-location")],
    ),
    changed(
        "source location empty",
        "x:figure1",
        "cfu:sourceLocation",
        '""',
        [(V, "x:figure1", "cfu:sourceLocation", "shapes:source-location")],
    ),
    case(
        "a commitment with a text needs its source",
        ["x:c1 dcterms:source *"],
        expect=[(V, "x:c1", "dcterms:source", "shapes:source")],
    ),
    case(
        "a commitment with a summary needs its source location",
        ["x:c2 cfu:sourceLocation *"],
        expect=[(V, "x:c2", "cfu:sourceLocation", "shapes:source-location")],
    ),
    case(
        "a commitment given a text but no source",
        add='x:c3 cfu:text "Text."@en .',
        expect=[
            (V, "x:c3", "dcterms:source", "shapes:source"),
            (V, "x:c3", "cfu:sourceLocation", "shapes:source-location"),
        ],
    ),
    case(
        "sources missing on a reference and a membership",
        ["x:ref1 dcterms:source *", "x:membership cfu:sourceLocation *"],
        expect=[
            (V, "x:ref1", "dcterms:source", "shapes:source"),
            (V, "x:membership", "cfu:sourceLocation", "shapes:source-location"),
        ],
    ),
    changed(
        "score above 3",
        "x:c1-relevance",
        "cfu:score",
        "3.5",
        [
            (V, "x:c1-relevance", "cfu:score", "shapes:score", "3.5"),
            (W, "x:c1-overall", None, "shapes:CountryAverageShape", "0.94"),
        ],
    ),
    changed(
        "score below 0",
        "x:qf1",
        "cfu:score",
        "-0.1",
        [
            (V, "x:qf1", "cfu:score", "shapes:score", "-0.1"),
            (W, "x:qf1", None, "shapes:QuotedFigureMatchesTableShape", "-0.1"),
        ],
    ),
    changed(
        "score a double, not a decimal",
        "x:c2-overall",
        "cfu:score",
        '"1.61"^^xsd:double',
        [(V, "x:c2-overall", "cfu:score", "shapes:score")],
    ),
    changed(
        "score a string",
        "x:c2-overall",
        "cfu:score",
        '"high"',
        [(V, "x:c2-overall", "cfu:score", "shapes:score")],
    ),
    case(
        "scores 0 and 3 are in range",
        [f"x:c2-{c} cfu:score *" for c in CRITERIA],
        "x:c2-relevance cfu:score 0.00 . x:c2-effectiveness cfu:score 3.0 . "
        "x:c2-sustainability cfu:score 3.00 . x:c2-overall cfu:score 2.00 .",
    ),
    case(
        "part of no report",
        ["x:call1 dcterms:isPartOf *"],
        expect=[(V, "x:call1", "dcterms:isPartOf", "shapes:part-of-report")],
    ),
    changed(
        "part of something that is not a report",
        "x:interview",
        "dcterms:isPartOf",
        "x:agreement",
        [(V, "x:interview", "dcterms:isPartOf", "shapes:part-of-report")],
    ),
    case(
        "finding without text",
        ["x:finding1 cfu:text *"],
        expect=[(V, "x:finding1", "cfu:text", "shapes:statement-text")],
    ),
    case(
        "weakness without text (subclass of cfu:Conclusion)",
        ["x:weakness1 cfu:text *"],
        expect=[(V, "x:weakness1", "cfu:text", "shapes:statement-text")],
    ),
    changed(
        "statement text without language",
        "x:call1",
        "cfu:text",
        '"Do this."',
        [(V, "x:call1", "cfu:text", "shapes:statement-text")],
    ),
    case(
        "two English texts",
        add='x:figure1 cfu:text "Again."@en .',
        expect=[(V, "x:figure1", "cfu:text", "shapes:statement-text")],
    ),
    case(
        "about a non-commitment",
        add="x:finding1 cfu:aboutCommitment x:axisA .",
        expect=[(V, "x:finding1", "cfu:aboutCommitment", "shapes:about-commitment")],
    ),
    case(
        "names a non-organisation",
        add="x:call1 cfu:namesInstitution x:person .",
        expect=[(V, "x:call1", "cfu:namesInstitution", "shapes:names-institution")],
    ),
    case(
        "methodology follows up nothing",
        ["x:method cfu:followsUp *"],
        expect=[(V, "x:method", "cfu:followsUp", "shapes:follows-up")],
    ),
    changed(
        "report follows up a non-agreement",
        "x:report",
        "cfu:followsUp",
        "x:dataset",
        [(V, "x:report", "cfu:followsUp", "shapes:follows-up")],
    ),
    case(
        "agreement without title",
        ["x:agreement dcterms:title *"],
        expect=[(V, "x:agreement", "dcterms:title", "shapes:title")],
    ),
    case(
        "document without title",
        ["x:doc dcterms:title *"],
        expect=[(V, "x:doc", "dcterms:title", "shapes:title")],
    ),
    changed(
        "page is a literal",
        "x:method",
        "foaf:page",
        '"https://example.org/method"',
        [(V, "x:method", "foaf:page", "shapes:page")],
    ),
    changed(
        "page is not http(s)",
        "x:ref1",
        "foaf:page",
        "<ftp://example.org/study>",
        [(V, "x:ref1", "foaf:page", "shapes:page")],
    ),
    # -- the agreement and its code lists ---------------------------------------------------------
    case(
        "top concept not a concept",
        add="x:axes skos:hasTopConcept x:report .",
        expect=[(V, "x:axes", "skos:hasTopConcept", "shapes:ConceptScheme-hasTopConcept")],
    ),
    case(
        "code in no scheme",
        ["x:axisA skos:inScheme *"],
        expect=[(V, "x:axisA", "skos:inScheme", "shapes:Concept-inScheme")],
    ),
    case(
        "two English preferred labels",
        add='x:relevance skos:prefLabel "Pertinence"@en .',
        expect=[(V, "x:relevance", "skos:prefLabel", "shapes:Concept-prefLabel")],
    ),
    case(
        "code without preferred label",
        ["x:MX skos:prefLabel *"],
        expect=[(V, "x:MX", "skos:prefLabel", "shapes:Concept-prefLabel")],
    ),
    case(
        "agreement without commitment count",
        ["x:agreement cfu:commitmentCount *"],
        expect=[(V, "x:agreement", "cfu:commitmentCount", "shapes:Agreement-commitmentCount")],
    ),
    changed(
        "agreement count an xsd:integer",
        "x:agreement",
        "cfu:commitmentCount",
        "3",
        [(V, "x:agreement", "cfu:commitmentCount", "shapes:Agreement-commitmentCount")],
    ),
    case(
        "related match a literal",
        add='x:agreement skos:relatedMatch "SDG 16.5" .',
        expect=[(V, "x:agreement", "skos:relatedMatch", "shapes:Agreement-relatedMatch")],
    ),
    changed(
        "commitment number above the agreement's count",
        "x:c3",
        "cfu:commitmentNumber",
        '"4"^^xsd:positiveInteger',
        [(V, "x:agreement", None, "shapes:CommitmentNumberInRangeShape", "x:c3")],
    ),
    case(
        "commitment number at the agreement's count is fine",
        ["x:agreement cfu:commitmentCount *"],
        'x:agreement cfu:commitmentCount "3"^^xsd:nonNegativeInteger .',
    ),
    changed(
        "two commitments share a number",
        "x:c3",
        "cfu:commitmentNumber",
        '"2"^^xsd:positiveInteger',
        [
            (V, "x:agreement", None, "shapes:CommitmentNumberUniqueShape", "x:c2"),
            (V, "x:agreement", None, "shapes:CommitmentNumberUniqueShape", "x:c3"),
        ],
    ),
    case(
        "commitment without number",
        ["x:c3 cfu:commitmentNumber *"],
        expect=[(V, "x:c3", "cfu:commitmentNumber", "shapes:Commitment-number")],
    ),
    changed(
        "commitment number an xsd:integer",
        "x:c3",
        "cfu:commitmentNumber",
        "3",
        [(V, "x:c3", "cfu:commitmentNumber", "shapes:Commitment-number")],
    ),
    changed(
        "commitment number zero",
        "x:c3",
        "cfu:commitmentNumber",
        '"0"^^xsd:positiveInteger',
        [
            (V, "x:c3", "cfu:commitmentNumber", "shapes:Commitment-number"),
            (V, "x:agreement", None, "shapes:CommitmentNumberInRangeShape", "x:c3"),
        ],
    ),
    case(
        "two numbers",
        add='x:c3 cfu:commitmentNumber "33"^^xsd:positiveInteger .',
        expect=[
            (V, "x:c3", "cfu:commitmentNumber", "shapes:Commitment-number"),
            (V, "x:agreement", None, "shapes:CommitmentNumberInRangeShape", "x:c3"),
        ],
    ),
    case(
        "commitment in no agreement",
        ["x:c3 skos:inScheme *"],
        add="x:c3 skos:inScheme x:axes .",
        expect=[(V, "x:c3", "skos:inScheme", "shapes:Commitment-agreement")],
    ),
    case(
        "commitment in two agreements",
        add=AGREEMENT_2 + " x:c3 skos:inScheme x:agreement2 .",
        expect=[(V, "x:c3", "skos:inScheme", "shapes:Commitment-agreement")],
    ),
    case(
        "axis of a commitment not an axis",
        add="x:c3 cfu:thematicAxis x:relevance .",
        expect=[(V, "x:c3", "cfu:thematicAxis", "shapes:Commitment-thematicAxis")],
    ),
    changed(
        "commitment text without language",
        "x:c1",
        "cfu:text",
        '"Protecting."',
        [(V, "x:c1", "cfu:text", "shapes:Commitment-text")],
    ),
    case(
        "two English summaries",
        add='x:c2 cfu:summary "freezing"@en .',
        expect=[(V, "x:c2", "cfu:summary", "shapes:Commitment-summary")],
    ),
    case(
        "prioritised commitment with neither text nor summary",
        ["x:c2 cfu:summary *"],
        expect=[(V, "x:c2", None, "shapes:PrioritisedCommitmentShape")],
    ),
    case(
        "prioritised commitment with a summary only is fine (x:c2), and a text only (x:c1)",
        add='x:c2 skos:note "Summary, not text."@en .',
    ),
    case(
        "prioritised commitment in no axis",
        ["x:c1 cfu:thematicAxis *"],
        expect=[(V, "x:c1", "cfu:thematicAxis", "shapes:PrioritisedCommitment-thematicAxis")],
    ),
    case(
        "prioritised commitment in two axes",
        add=AXIS_B + " x:c1 cfu:thematicAxis x:axisB .",
        expect=[(V, "x:c1", "cfu:thematicAxis", "shapes:PrioritisedCommitment-thematicAxis")],
    ),
    case(
        "a commitment that is not prioritised may have an axis",
        add="x:c3 cfu:thematicAxis x:axisA .",
    ),
    case(
        "axis without code",
        ["x:axisA skos:notation *"],
        expect=[(V, "x:axisA", "skos:notation", "shapes:ThematicAxis-notation")],
    ),
    changed(
        "criterion definition without language",
        "x:relevance",
        "skos:definition",
        '"How relevance is rated."',
        [(V, "x:relevance", "skos:definition", "shapes:Criterion-definition")],
    ),
    case(
        "criterion with a broader that is not a criterion",
        add="x:relevance skos:broader x:axisA .",
        expect=[(V, "x:relevance", "skos:broader", "shapes:Criterion-broader")],
    ),
    case(
        "scale level without value",
        ["x:level0 rdf:value *"],
        expect=[(V, "x:level0", "rdf:value", "shapes:ScaleLevel-value")],
    ),
    changed(
        "scale level value a decimal",
        "x:level0",
        "rdf:value",
        "0.5",
        [(V, "x:level0", "rdf:value", "shapes:ScaleLevel-value")],
    ),
    # -- methodology, report, assessment, interviews ----------------------------------------------
    case(
        "methodology prioritises a non-commitment",
        add="x:method cfu:prioritises x:axisA .",
        expect=[
            (V, "x:method", "cfu:prioritises", "shapes:Methodology-prioritises"),
            # and so x:axisA is held to what a prioritised commitment must have
            (V, "x:axisA", None, "shapes:PrioritisedCommitmentShape"),
            (V, "x:axisA", "cfu:thematicAxis", "shapes:PrioritisedCommitment-thematicAxis"),
            (W, "x:method", "cfu:commitmentCount", "shapes:MethodologyCountShape", "2"),
            (W, "x:slice", None, "shapes:PrioritisedCommitmentRatedShape", "x:axisA"),
        ],
    ),
    case(
        "methodology without criteria",
        ["x:method cfu:criteria *"],
        expect=[(V, "x:method", "cfu:criteria", "shapes:Methodology-criteria")],
    ),
    changed(
        "methodology criteria not a scheme",
        "x:method",
        "cfu:criteria",
        "x:c1",
        [(V, "x:method", "cfu:criteria", "shapes:Methodology-criteria")],
    ),
    case(
        "methodology without scale",
        ["x:method cfu:scale *"],
        expect=[(V, "x:method", "cfu:scale", "shapes:Methodology-scale")],
    ),
    changed(
        "prioritised count an xsd:integer",
        "x:method",
        "cfu:commitmentCount",
        "2",
        [(V, "x:method", "cfu:commitmentCount", "shapes:Methodology-commitmentCount")],
    ),
    *[
        case(
            f"two values of {prop}",
            add=f'x:method {prop} "9"^^xsd:nonNegativeInteger .',
            expect=[(V, "x:method", prop, f"shapes:Methodology-{prop.split(':')[1]}")],
        )
        for prop in (
            "cfu:countryCount",
            "cfu:axisCount",
            "cfu:normativeQuestionCount",
            "cfu:practicalQuestionCount",
        )
    ],
    case(
        "report without country",
        ["x:report cfu:country *"],
        expect=[(V, "x:report", "cfu:country", "shapes:Report-country")],
    ),
    changed(
        "report year a string",
        "x:report",
        "dcterms:issued",
        '"2021"',
        [(V, "x:report", "dcterms:issued", "shapes:Report-issued")],
    ),
    case(
        "report without methodology",
        ["x:report cfu:methodology *"],
        expect=[(V, "x:report", "cfu:methodology", "shapes:Report-methodology")],
    ),
    changed(
        "local partner not an organisation",
        "x:report",
        "cfu:localPartner",
        "x:person",
        [(V, "x:report", "cfu:localPartner", "shapes:Report-localPartner")],
    ),
    case(
        "two observatories",
        add="x:report cfu:observatory x:tm .",
        expect=[(V, "x:report", "cfu:observatory", "shapes:Report-observatory")],
    ),
    changed(
        "report generated by a non-assessment",
        "x:report",
        "prov:wasGeneratedBy",
        "x:method",
        [(V, "x:report", "prov:wasGeneratedBy", "shapes:Report-generatedBy")],
    ),
    case(
        "report references a non-reference",
        add="x:report dcterms:references x:c1 .",
        expect=[(V, "x:report", "dcterms:references", "shapes:Report-references")],
    ),
    changed(
        "document published by a person",
        "x:doc",
        "dcterms:publisher",
        "x:person",
        [(V, "x:doc", "dcterms:publisher", "shapes:Document-publisher")],
    ),
    case(
        "assessment generated nothing",
        ["x:assessment prov:generated *"],
        expect=[(V, "x:assessment", "prov:generated", "shapes:Assessment-generated")],
    ),
    changed(
        "assessment used a non-methodology",
        "x:assessment",
        "prov:used",
        "x:report",
        [(V, "x:assessment", "prov:used", "shapes:Assessment-used")],
    ),
    case(
        "assessment associated with no one",
        ["x:assessment prov:wasAssociatedWith *"],
        expect=[(V, "x:assessment", "prov:wasAssociatedWith", "shapes:Assessment-associatedWith")],
    ),
    changed(
        "assessment informed by a non-activity",
        "x:assessment",
        "prov:wasInformedBy",
        "x:report",
        [(V, "x:assessment", "prov:wasInformedBy", "shapes:Assessment-informedBy")],
    ),
    case(
        "interview without interviewee",
        ["x:interview cfu:interviewee *"],
        expect=[(V, "x:interview", "cfu:interviewee", "shapes:Interview-interviewee")],
    ),
    changed(
        "interviewee not a person",
        "x:interview",
        "cfu:interviewee",
        "x:tm",
        [(V, "x:interview", "cfu:interviewee", "shapes:Interview-interviewee")],
    ),
    case(
        "interview without month",
        ["x:interview cfu:month *"],
        expect=[(V, "x:interview", "cfu:month", "shapes:Interview-month")],
    ),
    changed(
        "interview month a date",
        "x:interview",
        "cfu:month",
        '"2021-05-01"^^xsd:date',
        [(V, "x:interview", "cfu:month", "shapes:Interview-month")],
    ),
    case(
        "interview in two months is fine", add='x:interview cfu:month "2021-07"^^xsd:gYearMonth .'
    ),
    # -- statements ---------------------------------------------------------------------------------
    case(
        "finding axis not an axis",
        add="x:finding1 cfu:thematicAxis x:c1 .",
        expect=[(V, "x:finding1", "cfu:thematicAxis", "shapes:Finding-thematicAxis")],
    ),
    case(
        "call to action in no axis",
        ["x:call1 cfu:thematicAxis *"],
        expect=[(V, "x:call1", "cfu:thematicAxis", "shapes:CallToAction-thematicAxis")],
    ),
    changed(
        "call part of a non-call",
        "x:call2",
        "cfu:partOfCall",
        "x:finding1",
        [(V, "x:call2", "cfu:partOfCall", "shapes:CallToAction-partOfCall")],
    ),
    case(
        "quoted figure for no commitment",
        ["x:qf1 cfu:commitment *"],
        expect=[(V, "x:qf1", "cfu:commitment", "shapes:QuotedFigure-commitment")],
    ),
    case(
        "quoted figure on no criterion",
        ["x:qf1 cfu:criterion *"],
        expect=[(V, "x:qf1", "cfu:criterion", "shapes:QuotedFigure-criterion")],
    ),
    case(
        "quoted figure without score",
        ["x:qf1 cfu:score *"],
        expect=[(V, "x:qf1", "cfu:score", "shapes:QuotedFigure-score")],
    ),
    case(
        "quoted figure with two scores",
        add="x:qf1 cfu:score 0.95 .",
        expect=[
            (V, "x:qf1", "cfu:score", "shapes:QuotedFigure-score"),
            (W, "x:qf1", None, "shapes:QuotedFigureMatchesTableShape", "0.95"),
        ],
    ),
    case(
        "quoted figure without quote",
        ["x:qf1 cfu:quote *"],
        expect=[(V, "x:qf1", "cfu:quote", "shapes:QuotedFigure-quote")],
    ),
    case(
        "quoted figure axis not an axis",
        add="x:qf1 cfu:thematicAxis x:c1 .",
        expect=[(V, "x:qf1", "cfu:thematicAxis", "shapes:QuotedFigure-thematicAxis")],
    ),
    changed(
        "context figure above its total",
        "x:figure1",
        "rdf:value",
        "40",
        [(V, "x:figure1", "rdf:value", "shapes:ContextFigure-value")],
    ),
    changed(
        "context figure value a decimal",
        "x:figure1",
        "rdf:value",
        "13.0",
        [(V, "x:figure1", "rdf:value", "shapes:ContextFigure-value")],
    ),
    case("context figure without total is fine", ["x:figure1 cfu:outOf *"]),
    changed(
        "context figure total a decimal",
        "x:figure1",
        "cfu:outOf",
        "32.0",
        [(V, "x:figure1", "cfu:outOf", "shapes:ContextFigure-outOf")],
    ),
    case(
        "reference without title",
        ["x:ref1 dcterms:title *"],
        expect=[(V, "x:ref1", "dcterms:title", "shapes:Reference-title")],
    ),
    changed(
        "reference titled only in Spanish",
        "x:ref1",
        "rdfs:label",
        '"Un estudio"@es',
        [],
    ),
    case(
        "reference without label",
        ["x:ref1 rdfs:label *"],
        expect=[(V, "x:ref1", "rdfs:label", "shapes:Reference-label")],
    ),
    case(
        "reference with two labels in one language",
        add='x:ref1 rdfs:label "Another study"@en .',
        expect=[(V, "x:ref1", "rdfs:label", "shapes:Reference-label")],
    ),
    changed(
        "reference year a date",
        "x:ref1",
        "dcterms:date",
        '"2019-01-01"^^xsd:date',
        [(V, "x:ref1", "dcterms:date", "shapes:Reference-date")],
    ),
    # -- organisations and people -------------------------------------------------------------------
    case(
        "two English names",
        add='x:tm skos:prefLabel "Transparencia"@en .',
        expect=[(V, "x:tm", "skos:prefLabel", "shapes:Organization-prefLabel")],
    ),
    changed(
        "homepage a literal",
        "x:tm",
        "foaf:homepage",
        '"https://www.tm.org.mx/"',
        [(V, "x:tm", "foaf:homepage", "shapes:Organization-homepage")],
    ),
    changed(
        "homepage not http(s)",
        "x:tm",
        "foaf:homepage",
        "<mailto:info@tm.org.mx>",
        [(V, "x:tm", "foaf:homepage", "shapes:Organization-homepage")],
    ),
    changed(
        "part of a person",
        "x:tm",
        "org:subOrganizationOf",
        "x:person",
        [(V, "x:tm", "org:subOrganizationOf", "shapes:Organization-subOrganizationOf")],
    ),
    changed(
        "member of a person",
        "x:pi",
        "org:memberOf",
        "x:person",
        [(V, "x:pi", "org:memberOf", "shapes:Organization-memberOf")],
    ),
    changed(
        "exact match a literal",
        "x:ti",
        "skos:exactMatch",
        '"Q1"',
        [(V, "x:ti", "skos:exactMatch", "shapes:Organization-exactMatch")],
    ),
    changed(
        "spatial not a code",
        "x:tm",
        "dcterms:spatial",
        "x:report",
        [(V, "x:tm", "dcterms:spatial", "shapes:Organization-spatial")],
    ),
    case(
        "organisation (a public institution) without source",
        ["x:pi dcterms:source *"],
        expect=[(V, "x:pi", None, "shapes:OrganizationSourcedShape")],
    ),
    case(
        "organisation without source location",
        ["x:ti cfu:sourceLocation *"],
        expect=[(V, "x:ti", None, "shapes:OrganizationSourcedShape")],
    ),
    case(
        "a unit that is a unit of nothing is no longer exempt",
        ["x:unit org:unitOf *"],
        expect=[
            (V, "x:unit", "org:unitOf", "shapes:OrganizationalUnit-unitOf"),
            (V, "x:unit", None, "shapes:OrganizationSourcedShape"),
        ],
    ),
    changed(
        "unit of a person",
        "x:unit",
        "org:unitOf",
        "x:person",
        [(V, "x:unit", "org:unitOf", "shapes:OrganizationalUnit-unitOf")],
    ),
    case(
        "membership without member",
        ["x:membership org:member *"],
        expect=[(V, "x:membership", "org:member", "shapes:Membership-member")],
    ),
    changed(
        "member not a person",
        "x:membership",
        "org:member",
        "x:tm",
        [(V, "x:membership", "org:member", "shapes:Membership-member")],
    ),
    changed(
        "membership in a person",
        "x:membership",
        "org:organization",
        "x:person",
        [(V, "x:membership", "org:organization", "shapes:Membership-organization")],
    ),
    changed(
        "role not a role",
        "x:membership",
        "org:role",
        "x:person",
        [(V, "x:membership", "org:role", "shapes:Membership-role")],
    ),
    case(
        "role without preferred label",
        ["x:coordinator skos:prefLabel *"],
        expect=[(V, "x:coordinator", "skos:prefLabel", "shapes:Role-prefLabel")],
    ),
    case(
        "person without name",
        ["x:person foaf:name *"],
        expect=[(V, "x:person", "foaf:name", "shapes:Person-name")],
    ),
    case(
        "person with two names",
        add='x:person foaf:name "Paola P." .',
        expect=[(V, "x:person", "foaf:name", "shapes:Person-name")],
    ),
    changed(
        "printed name language-tagged",
        "x:person",
        "cfu:printedName",
        '"P., Paola"@es',
        [(V, "x:person", "cfu:printedName", "shapes:Person-printedName")],
    ),
    # -- RDF Data Cube ------------------------------------------------------------------------------
    case(
        "dimension property without range",
        ["cfu:period rdfs:range *"],
        expect=[(V, "cfu:period", "rdfs:range", "shapes:DimensionProperty-range")],
    ),
    case(
        "coded property without code list",
        ["cfu:country qb:codeList *"],
        expect=[(V, "cfu:country", "qb:codeList", "shapes:CodedProperty-codeList")],
    ),
    case(
        "code list a skos:Collection is fine",
        ["cfu:country qb:codeList *"],
        """cfu:country qb:codeList x:countryCollection .
            x:countryCollection a skos:Collection ; skos:member x:MX .""",
    ),
    case(
        "structure without components",
        ["x:structure qb:component *"],
        expect=[
            (V, "x:structure", "qb:component", "shapes:DataStructureDefinition-component"),
            (V, "x:structure", "qb:component", "shapes:DataStructureDefinition-measure"),
            # the slice key then names properties that are no dimensions of it (IC-8)
            (V, "x:sliceKey", None, "shapes:SliceKeyShape", "cfu:country"),
            (V, "x:sliceKey", None, "shapes:SliceKeyShape", "cfu:period"),
        ],
    ),
    case(
        "component not a component specification",
        add="x:structure qb:component x:c1 .",
        expect=[(V, "x:structure", "qb:component", "shapes:DataStructureDefinition-component")],
    ),
    case(
        "structure without a measure (IC-3)",
        ["x:s-score qb:measure *"],
        "x:s-score qb:attribute cfu:score .",
        [(V, "x:structure", "qb:component", "shapes:DataStructureDefinition-measure")],
    ),
    case(
        "component that is both dimension and measure",
        add="x:s-period qb:measure cfu:score .",
        expect=[(V, "x:s-period", None, "shapes:ComponentSpecificationShape")],
    ),
    changed(
        "component order a decimal",
        "x:s-period",
        "qb:order",
        "2.5",
        [(V, "x:s-period", "qb:order", "shapes:ComponentSpecification-order")],
    ),
    case(
        "dataset without structure (IC-2)",
        ["x:dataset qb:structure *"],
        expect=[(V, "x:dataset", "qb:structure", "shapes:DataSet-structure")],
    ),
    case(
        "slice derived from no report",
        ["x:slice prov:wasDerivedFrom *"],
        expect=[
            (V, "x:slice", "prov:wasDerivedFrom", "shapes:Slice-derivedFrom"),
            # the report then has no table for the quoted figure
            (W, "x:qf1", None, "shapes:QuotedFigureInTableShape", "0.940"),
        ],
    ),
    case(
        "observation in no dataset (IC-1)",
        [obs_without("qb:dataSet")],
        expect=[
            (V, "x:c2-overall", "qb:dataSet", "shapes:Observation-dataSet"),
            # nor, then, in its slice's dataset
            (V, "x:slice", "qb:dataSet", "shapes:SliceShape", "x:c2-overall"),
        ],
    ),
    case(
        "observation in two datasets (IC-1)",
        add=DATASET_2 + " x:c2-overall qb:dataSet x:dataset2 .",
        expect=[(V, "x:c2-overall", "qb:dataSet", "shapes:Observation-dataSet")],
    ),
    *[
        case(
            f"observation without {prop} (IC-11, IC-14)",
            [obs_without(prop)],
            expect=[
                (V, "x:c2-overall", prop, f"shapes:Observation-{prop.split(':')[1]}"),
                # the slice fixes country and period: its observation lacks the value
                *(
                    [(V, "x:slice", prop, "shapes:SliceShape", "x:c2-overall")]
                    if prop in ("cfu:country", "cfu:period")
                    else []
                ),
            ],
        )
        for prop in ("cfu:country", "cfu:period", "cfu:commitment", "cfu:criterion", "cfu:score")
    ],
    # -- Data Cube slices: one slice per report, of the one cube (IC-7 to IC-10) ------------------
    case(
        "slice without slice structure (IC-9)",
        ["x:slice qb:sliceStructure *"],
        expect=[(V, "x:slice", "qb:sliceStructure", "shapes:Slice-sliceStructure")],
    ),
    case(
        "slice with two slice structures (IC-9)",
        add='x:structure qb:sliceKey x:key2 . x:key2 a qb:SliceKey ; rdfs:label "Key 2"@en ; '
        "qb:componentProperty cfu:country . x:slice qb:sliceStructure x:key2 .",
        expect=[(V, "x:slice", "qb:sliceStructure", "shapes:Slice-sliceStructure")],
    ),
    case(
        "slice without a value for a dimension of its key (IC-10)",
        ["x:slice cfu:period *"],
        expect=[(V, "x:slice", "cfu:period", "shapes:SliceShape")],
    ),
    changed(
        "observation of another period than its slice",
        "x:c2-overall",
        "cfu:period",
        '"2020"^^xsd:gYear',
        [(V, "x:slice", "cfu:period", "shapes:SliceShape", "x:c2-overall")],
    ),
    changed(
        "observation of another country than its slice",
        "x:c2-overall",
        "cfu:country",
        "x:MX2",
        [
            (V, "x:slice", "cfu:country", "shapes:SliceShape", "x:c2-overall"),
            (V, "x:c2-overall", "cfu:country", "shapes:Observation-country"),
            (V, "x:dataset", "cfu:country", "shapes:ObservationCodesShape", "x:MX2"),
        ],
    ),
    case(
        "slice in no dataset",
        ["x:dataset qb:slice *"],
        expect=[
            (V, "x:slice", "^qb:slice", "shapes:Slice-dataSet"),
            *(
                (V, "x:slice", "qb:dataSet", "shapes:SliceShape", f"x:{c}-{k}")
                for c in RATINGS
                for k in CRITERIA
            ),
        ],
    ),
    case(
        "slice lists a non-observation",
        add="x:slice qb:observation x:finding1 .",
        expect=[
            (V, "x:slice", "qb:observation", "shapes:Slice-observation"),
            (V, "x:slice", "cfu:country", "shapes:SliceShape", "x:finding1"),
            (V, "x:slice", "cfu:period", "shapes:SliceShape", "x:finding1"),
            (V, "x:slice", "qb:dataSet", "shapes:SliceShape", "x:finding1"),
        ],
    ),
    case(
        "slice key naming no dimension",
        ["x:sliceKey qb:componentProperty *"],
        expect=[(V, "x:sliceKey", "qb:componentProperty", "shapes:SliceKey-componentProperty")],
    ),
    case(
        "slice key declared by no structure (IC-7)",
        ["x:structure qb:sliceKey *"],
        expect=[(V, "x:sliceKey", "^qb:sliceKey", "shapes:SliceKey-structure")],
    ),
    case(
        "slice key property not a dimension of its structure (IC-8)",
        add="x:sliceKey qb:componentProperty cfu:score .",
        expect=[
            (V, "x:sliceKey", None, "shapes:SliceKeyShape", "cfu:score"),
            # and the slice, which has no score, then lacks a value for its key (IC-10)
            (V, "x:slice", "cfu:score", "shapes:SliceShape"),
        ],
    ),
    case(
        "observation with two periods",
        add='x:c2-overall cfu:period "2020"^^xsd:gYear .',
        expect=[(V, "x:c2-overall", "cfu:period", "shapes:Observation-period")],
    ),
    changed(
        "observation period a string",
        "x:c2-overall",
        "cfu:period",
        '"2021"',
        [
            (V, "x:c2-overall", "cfu:period", "shapes:Observation-period"),
            (V, "x:slice", "cfu:period", "shapes:SliceShape", "x:c2-overall"),
        ],
    ),
    changed(
        "observation country not a code",
        "x:c2-overall",
        "cfu:country",
        "x:report",
        [
            (V, "x:c2-overall", "cfu:country", "shapes:Observation-country"),
            (V, "x:dataset", "cfu:country", "shapes:ObservationCodesShape", "x:report"),
            (V, "x:slice", "cfu:country", "shapes:SliceShape", "x:c2-overall"),
        ],
    ),
    changed(
        "observation commitment not a commitment",
        "x:c2-overall",
        "cfu:commitment",
        "x:axisA",
        [
            (V, "x:c2-overall", "cfu:commitment", "shapes:Observation-commitment"),
            (V, "x:dataset", "cfu:commitment", "shapes:ObservationCodesShape", "x:axisA"),
        ],
    ),
    changed(
        "observation criterion not a criterion",
        "x:c2-overall",
        "cfu:criterion",
        "x:axisA",
        [
            (V, "x:c2-overall", "cfu:criterion", "shapes:Observation-criterion"),
            (V, "x:dataset", "cfu:criterion", "shapes:ObservationCodesShape", "x:axisA"),
        ],
    ),
    case(
        "code outside its code list (IC-19)",
        [obs_without("cfu:country")],
        FOREIGN_CODE + " x:c2-overall cfu:country x:XX .",
        [
            (V, "x:dataset", "cfu:country", "shapes:ObservationCodesShape", "x:XX"),
            (V, "x:slice", "cfu:country", "shapes:SliceShape", "x:c2-overall"),
        ],
    ),
    case(
        "two observations of one cell (IC-12)",
        add="""x:dup a qb:Observation ; rdfs:label "duplicate"@en ; qb:dataSet x:dataset ;
                cfu:country x:MX ; cfu:period "2021"^^xsd:gYear ; cfu:commitment x:c2 ;
                cfu:criterion x:overall ; cfu:score 1.62 ;
                dcterms:source x:doc ; cfu:sourceLocation "Annex 1" .""",
        expect=[
            (V, "x:dataset", None, "shapes:ObservationUniqueShape", "x:dup"),
            (V, "x:dataset", None, "shapes:ObservationUniqueShape", "x:c2-overall"),
        ],
    ),
    case(
        "same commitment and criterion in another period is another cell",
        add="""x:c2-overall-2020 a qb:Observation ; rdfs:label "2020"@en ;
                qb:dataSet x:dataset ; cfu:country x:MX ; cfu:period "2020"^^xsd:gYear ;
                cfu:commitment x:c2 ; cfu:criterion x:overall ; cfu:score 1.61 ;
                dcterms:source x:doc ; cfu:sourceLocation "Annex 1" .""",
    ),
    # -- warnings: the published figures contradict each other -------------------------------------
    changed(
        "reported average off its criteria's mean by more than 0.01",
        "x:c2-overall",
        "cfu:score",
        "1.70",
        [(W, "x:c2-overall", None, "shapes:CountryAverageShape", "1.70")],
    ),
    case(
        "average at exactly 0.01 from the mean is rounding",
        [f"x:c2-{c} cfu:score *" for c in CRITERIA],
        "x:c2-relevance cfu:score 1.00 . x:c2-effectiveness cfu:score 1.00 . "
        "x:c2-sustainability cfu:score 1.00 . x:c2-overall cfu:score 1.01 .",
    ),
    case(
        "average at 0.02 from the mean is not rounding",
        [f"x:c2-{c} cfu:score *" for c in CRITERIA],
        "x:c2-relevance cfu:score 1.00 . x:c2-effectiveness cfu:score 1.00 . "
        "x:c2-sustainability cfu:score 1.00 . x:c2-overall cfu:score 0.98 .",
        [(W, "x:c2-overall", None, "shapes:CountryAverageShape", "0.98")],
    ),
    case(
        "quoted figure differs from the table",
        ["x:qf1 cfu:score *"],
        "x:qf1 cfu:score 0.95 .",
        [(W, "x:qf1", None, "shapes:QuotedFigureMatchesTableShape", "0.95")],
    ),
    case(
        "quoted figure within 0.001 of the table agrees",
        ["x:qf1 cfu:score *"],
        "x:qf1 cfu:score 0.9405 .",
    ),
    case(
        "quoted figure without a table row",
        add=QUOTED_C3,
        expect=[(W, "x:qf2", None, "shapes:QuotedFigureInTableShape", "1.61")],
    ),
    case(
        "prioritised commitment without observation",
        [f"x:c2-{c} * *" for c in CRITERIA]
        + [f"x:slice qb:observation x:c2-{c}" for c in CRITERIA],
        expect=[(W, "x:slice", None, "shapes:PrioritisedCommitmentRatedShape", "x:c2")],
    ),
    changed(
        "methodology states more prioritised commitments than it lists",
        "x:method",
        "cfu:commitmentCount",
        '"19"^^xsd:nonNegativeInteger',
        [(W, "x:method", "cfu:commitmentCount", "shapes:MethodologyCountShape", "19")],
    ),
]

# the laws, projects and acronyms of issue 7 (kept in their own module)
WORLD += shape_cases_context.WORLD
CASES += [case(i, remove, add, expect) for i, remove, add, expect in shape_cases_context.CASES]


# -- helpers ------------------------------------------------------------------------------------


def expand(term: str) -> Node:
    """A term of a case: a prefixed name, <iri>, or a Turtle literal."""
    if term.startswith("<"):
        return URIRef(term[1:-1])
    prefix, _, local = term.partition(":")
    if prefix in PREFIXES and not term.startswith('"'):
        return URIRef(PREFIXES[prefix] + local)
    value = (
        Graph().parse(data=f"{TURTLE_PREFIXES} x:s x:p {term} .", format="turtle").value(X.s, X.p)
    )
    assert value is not None
    return value


def short(node: Node | None) -> str | None:
    """Name a result term as the cases do: a prefixed name, or a literal's lexical form."""
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if str(node).startswith(ns):
            return f"{prefix}:{str(node)[len(ns) :]}"
    return node.n3()


def path(report: Graph, node: Node | None) -> str | None:
    """A result path as the cases write it: a prefixed name, ``^name`` for an inverse path."""
    inverse = report.value(node, SH.inversePath) if isinstance(node, BNode) else None
    return f"^{short(inverse)}" if inverse is not None else short(node)


def results(report: Graph) -> set[Expected]:
    """(severity, focus, path, shape, value) of every result in a results graph."""
    out: set[Expected] = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        severity = str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1]
        out.add(
            (
                severity,
                short(report.value(r, SH.focusNode)),
                path(report, report.value(r, SH.resultPath)),
                short(report.value(r, SH.sourceShape)),
                short(report.value(r, SH.value)),
            )
        )
    return out


def lang(node: Node) -> str:
    """The language tag of a literal, "" for none."""
    return (node.language or "") if isinstance(node, Literal) else ""


def run(shapes: Graph, data: Graph) -> Graph:
    """The SHACL report graph, validated exactly as the project validates."""
    report = validate(data, shapes).graph
    assert isinstance(report, Graph)
    return report


@pytest.fixture(scope="module")
def shapes(root: Path) -> Graph:
    from lima_lod.validate import load_shapes

    return load_shapes(root)


@pytest.fixture(scope="module")
def world(root: Path) -> ParsedOnce:
    graph = ParsedOnce()
    graph.parse(root / "ontology" / "cfu.ttl")
    graph.parse(data=WORLD, format="turtle")
    return graph


def edited(world: Graph, c: Case) -> ParsedOnce:
    graph = ParsedOnce()
    graph += world
    for pattern in c.remove:
        s, p, o = (None if t == "*" else expand(t) for t in pattern.split(None, 2))
        assert (s, p, o) in graph, f"{c.id}: nothing matches {pattern!r}"
        graph.remove((s, p, o))
    if c.add:
        graph.parse(data=TURTLE_PREFIXES + c.add, format="turtle")
    return graph


# -- the cases ----------------------------------------------------------------------------------


def test_the_world_conforms_without_any_result(shapes: Graph, world: Graph) -> None:
    assert results(run(shapes, world)) == set()


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_case(shapes: Graph, world: Graph, c: Case) -> None:
    got = results(run(shapes, edited(world, c)))
    assert {r[:4] for r in got} == {e[:4] for e in c.expect}
    for e in c.expect:
        if len(e) == 5:
            assert e in got, f"{e} not in {got}"


def test_figures_appear_in_the_messages(shapes: Graph, world: Graph) -> None:
    c = case("average", *set_("x:c2-overall", "cfu:score", "1.70"))
    report = run(shapes, edited(world, c))
    [result] = report.subjects(SH.focusNode, X["c2-overall"])
    messages = {str(m) for m in report.objects(result, SH.resultMessage)}
    assert (
        "Reported average 1.70 differs from the mean 1.61 of its criteria by more than 0.01 "
        "(more than rounding explains)." in messages
    )
    assert any(m.startswith("El promedio publicado 1.70") for m in messages)


def test_core_messages_keep_both_languages(shapes: Graph, world: Graph) -> None:
    report = run(shapes, edited(world, CASES[0]))
    [result] = report.subjects(RDF.type, SH.ValidationResult)
    langs = {lang(m) for m in report.objects(result, SH.resultMessage)}
    assert langs == {"en", "es"}


# -- the shapes graph itself --------------------------------------------------------------------


def top_level_shapes(shapes: Graph) -> set[Node]:
    """Node shapes with targets, and the property shapes they list: the shapes results name."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    nodes = {s for t in targets for s in shapes.subjects(t, None)}
    return nodes | {p for n in nodes for p in shapes.objects(n, SH.property)}


def test_every_message_is_in_english_and_spanish(shapes: Graph) -> None:
    subjects = set(shapes.subjects(SH.message, None))
    assert len(subjects) > 80
    for s in subjects:
        langs = sorted(lang(m) for m in shapes.objects(s, SH.message))
        assert langs == ["en", "es"], f"{s}: {langs}"


def test_every_result_has_a_message(shapes: Graph) -> None:
    node_level = (SH["or"], SH.xone, SH["and"], SH["not"], SH["class"], SH.datatype)
    for shape in top_level_shapes(shapes):
        if (shape, SH.path, None) in shapes or any((shape, p, None) in shapes for p in node_level):
            assert (shape, SH.message, None) in shapes, shape
        if (shape, SH.sparql, None) in shapes:
            # pyshacl would add the node shape's message to every SPARQL result
            assert (shape, SH.message, None) not in shapes, shape
            for constraint in shapes.objects(shape, SH.sparql):
                assert (constraint, SH.message, None) in shapes, shape


def test_every_property_shape_has_a_name_in_english_and_spanish(shapes: Graph) -> None:
    for shape in set(shapes.subjects(SH.path, None)):
        langs = sorted(lang(n) for n in shapes.objects(shape, SH.name))
        assert langs == ["en", "es"], f"{shape}: {langs}"


def test_every_shape_states_its_severity(shapes: Graph) -> None:
    found = top_level_shapes(shapes)
    assert len(found) > 100
    for shape in found:
        assert len(set(shapes.objects(shape, SH.severity))) == 1, shape
    warnings = {s for s in found if (s, SH.severity, SH.Warning) in shapes}
    assert warnings == WARNING_SHAPES
    for shape in warnings:  # consistency checks compare figures: SPARQL, nothing else
        assert set(shapes.predicates(shape)) <= {
            RDF.type,
            RDFS.comment,
            SH.severity,
            SH.targetClass,
            SH.target,
            SH.sparql,
        }, shape


def test_no_other_severity_is_used(shapes: Graph) -> None:
    assert set(shapes.objects(None, SH.severity)) == {SH.Violation, SH.Warning}


def test_every_shape_has_a_failing_case(shapes: Graph) -> None:
    named = {short(s) for s in top_level_shapes(shapes) if isinstance(s, URIRef)}
    failing = {e[3] for c in CASES for e in c.expect}
    # shapes that only hold other shapes' targets produce no result of their own
    holders = {
        short(s)
        for s in top_level_shapes(shapes)
        if not set(shapes.predicates(s))
        - {
            RDF.type,
            RDFS.comment,
            SH.severity,
            SH.targetClass,
            SH.targetSubjectsOf,
            SH.targetObjectsOf,
            SH.property,
        }
    }
    assert named - holders - failing == set()


def test_every_resource_of_the_world_is_a_focus_node(shapes: Graph, world: Graph) -> None:
    # every class the data uses has a node shape, directly or through rdfs:subClassOf
    targeted = set(shapes.objects(None, SH.targetClass))
    for subject in {s for s in world.subjects(RDF.type, None) if str(s).startswith(str(X))}:
        classes = {
            c
            for t in world.objects(subject, RDF.type)
            for c in world.transitive_objects(t, RDFS.subClassOf)
        }
        assert classes & targeted, subject


def test_header_is_complete(shapes: Graph) -> None:
    onto = IRIS.shapes
    assert (onto, RDF.type, OWL.Ontology) in shapes
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {lang(o) for o in shapes.objects(onto, prop)} == {"en", "es"}, prop
    assert shapes.value(onto, DCTERMS.license) == CC_BY_4
    assert shapes.value(onto, OWL.versionInfo) == Literal("1.0.0")
    assert shapes.value(onto, RDFS.seeAlso) == IRIS.ontology
    declared = {
        str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
        for d in shapes.objects(onto, SH.declare)
    }
    assert declared["cfu"] == str(IRIS.vocab)
    for constraint in shapes.subjects(SH.select, None):
        assert shapes.value(constraint, SH.prefixes) == onto, constraint


def test_every_shape_is_in_the_shapes_namespace(shapes: Graph) -> None:
    kinds = (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)
    for shape in {s for k in kinds for s in shapes.subjects(RDF.type, k)}:
        assert isinstance(shape, BNode) or str(shape).startswith(str(SHAPES)), shape


def test_rebased_shapes_use_the_new_base(root: Path) -> None:
    from lima_lod.validate import load_shapes

    other = Iris("https://example.org/lod/")
    rebased = load_shapes(root, other)
    assert (other.shapes, RDF.type, OWL.Ontology) in rebased
    assert not any(IRIS.base in str(t) for triple in rebased for t in triple)
    assert any(str(other.vocab) == str(n) for n in rebased.objects(None, SH.namespace))
