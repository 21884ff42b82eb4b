"""Shape test data for the laws, projects and acronyms a report names (issue 7), kept beside
test_shapes.py: a conforming addition to its WORLD, and cases that each break one constraint.

Cases are plain tuples ``(id, remove, add, expect)`` in test_shapes.py's notation; schema.org
terms are written as full IRIs (``<https://schema.org/...>``), as the shapes file writes them.
"""

from __future__ import annotations

S = "https://schema.org/"
SOURCED = 'dcterms:source x:doc ; cfu:sourceLocation "Context of Mexico"'

WORLD = f"""
x:constitution a <{S}Legislation> ; rdfs:label "Political Constitution"@en ;
    <{S}name> "Political Constitution"@en ; <{S}legislationJurisdiction> x:MX ;
    cfu:text "the Political Constitution was amended"@en ; {SOURCED} .
x:amendment a <{S}Legislation> , cfu:Amendment ; rdfs:label "Amendment, 2014"@en ;
    <{S}legislationDate> "2014"^^xsd:gYear ; <{S}legislationChanges> x:constitution ;
    cfu:establishes x:pi ; cfu:text "in 2014 the Political Constitution was amended"@en ;
    {SOURCED} .
x:general-law a <{S}Legislation> ; rdfs:label "General Law"@en ;
    <{S}name> "General Law"@en , "Ley General"@es ; <{S}legislationDate> "2016"^^xsd:gYear ;
    cfu:text "the creation of the General Law"@en ; {SOURCED} .
x:package a <{S}Legislation> , cfu:LegislativePackage ; rdfs:label "first package"@en ;
    <{S}hasPart> x:general-law ; <{S}legislationChanges> x:constitution ;
    cfu:text "This first package of anti-corruption laws"@en ; {SOURCED} .
x:reform a <{S}Legislation> , cfu:Amendment ; rdfs:label "reform"@en ;
    <{S}legislationDate> "2021-06-01"^^xsd:date ; <{S}legislationChanges> x:constitution ;
    cfu:text "On June 1, 2021"@en ; {SOURCED} .
x:report cfu:project x:project .
x:project a foaf:Project , prov:Activity ; rdfs:label "Observatory project"@en ;
    dcterms:title "Observatory project"@en ; cfu:supportsProject x:pasca ;
    prov:wasAssociatedWith x:obs ; {SOURCED} .
x:pasca a foaf:Project , prov:Activity ; rdfs:label "PASCA"@en ; dcterms:title "PASCA"@en ;
    cfu:acronym "PASCA"@es ; {SOURCED} .
x:glossary a skos:ConceptScheme ; rdfs:label "Document Acronyms"@en ;
    skos:hasTopConcept x:cso , x:edca .
x:cso a skos:Concept , cfu:Acronym ; rdfs:label "Civil Society Organizations"@en ;
    skos:prefLabel "Civil Society Organizations"@en ; skos:notation "CSO" ;
    skos:altLabel "CSO"@en ; skos:inScheme x:glossary ; {SOURCED} .
x:edca a skos:Concept , cfu:Acronym ; rdfs:label "Open Contracting Standard"@en ;
    skos:prefLabel "Open Contracting Standard"@en ; skos:notation "EDCA" ;
    skos:altLabel "EDCA"@es ; skos:inScheme x:glossary ; foaf:focus x:project ; {SOURCED} .
x:graph2 a <{S}ImageObject> ; rdfs:label "Graph 2. Results"@en ; dcterms:title "Results"@en ;
    <{S}creditText> "Prepared by author"@en ; cfu:thematicAxis x:axisA ;
    <{S}isBasedOn> x:dataset ; dcterms:isPartOf x:report ; {SOURCED} .
x:table1 a <{S}Table> ; rdfs:label "Table 1. Criteria"@en ; dcterms:title "Criteria"@en ;
    <{S}isBasedOn> x:dataset ; dcterms:isPartOf x:report ; {SOURCED} .
x:footnote17 a cfu:Footnote ; rdfs:label "Footnote 17"@en ; cfu:text "Some of them are"@en ;
    cfu:namesInstitution x:pi ; dcterms:isPartOf x:report ; {SOURCED} .
"""

V = "Violation"
AXIS_B = f"""x:axisB a cfu:ThematicAxis , skos:Concept ; rdfs:label "Axis B"@en ;
    skos:prefLabel "Axis B"@en ; skos:inScheme x:axes ; skos:notation "B" ; {SOURCED} ."""
NAME, DATE = f"<{S}name>", f"<{S}legislationDate>"
CHANGES, PART, PLACE = f"<{S}legislationChanges>", f"<{S}hasPart>", f"<{S}legislationJurisdiction>"

CASES: list[tuple[str, list[str], str, list[tuple[str | None, ...]]]] = [
    (
        "law without an English label",
        ["x:general-law rdfs:label *"],
        "",
        [(V, "x:general-law", "rdfs:label", "shapes:label")],
    ),
    (
        "law without its statement",
        ["x:constitution cfu:text *"],
        "",
        [(V, "x:constitution", "cfu:text", "shapes:statement-text")],
    ),
    (
        "law without a source",
        ["x:package dcterms:source *"],
        "",
        [(V, "x:package", "dcterms:source", "shapes:source")],
    ),
    (
        "law title without a language",
        [],
        f'x:constitution {NAME} "Constitución" .',
        [(V, "x:constitution", NAME, "shapes:Legislation-name")],
    ),
    (
        "law with two English titles",
        [],
        f'x:general-law {NAME} "Another title"@en .',
        [(V, "x:general-law", NAME, "shapes:Legislation-name")],
    ),
    (
        "law date as a plain string",
        [f"x:amendment {DATE} *"],
        f'x:amendment {DATE} "2014" .',
        [(V, "x:amendment", DATE, "shapes:Legislation-date")],
    ),
    (
        "law with two dates",
        [],
        f'x:general-law {DATE} "2017"^^xsd:gYear .',
        [(V, "x:general-law", DATE, "shapes:Legislation-date")],
    ),
    (
        "a law changes an organisation",
        [],
        f"x:package {CHANGES} x:pi .",
        [(V, "x:package", CHANGES, "shapes:Legislation-changes")],
    ),
    (
        "a package includes an organisation",
        [],
        f"x:package {PART} x:tm .",
        [(V, "x:package", PART, "shapes:Legislation-hasPart")],
    ),
    (
        "a law establishes a law",
        [],
        "x:amendment cfu:establishes x:general-law .",
        [(V, "x:amendment", "cfu:establishes", "shapes:Legislation-establishes")],
    ),
    (
        "a law in two jurisdictions",
        [],
        f"x:constitution {PLACE} x:XX .",
        [(V, "x:constitution", PLACE, "shapes:Legislation-jurisdiction")],
    ),
    (
        "amendment that amends nothing",
        [f"x:reform {CHANGES} *"],
        "",
        [(V, "x:reform", CHANGES, "shapes:Amendment-changes")],
    ),
    (
        "package that names no law",
        [f"x:package {PART} *", f"x:package {CHANGES} *"],
        "",
        [(V, "x:package", None, "shapes:LegislativePackageShape")],
    ),
    (
        "project without a title",
        ["x:pasca dcterms:title *"],
        "",
        [(V, "x:pasca", "dcterms:title", "shapes:Project-title")],
    ),
    (
        "project supports an organisation",
        [],
        "x:project cfu:supportsProject x:tm .",
        [(V, "x:project", "cfu:supportsProject", "shapes:Project-supports")],
    ),
    (
        "project partner that is not an organisation",
        [],
        "x:project prov:wasAssociatedWith x:person .",
        [(V, "x:project", "prov:wasAssociatedWith", "shapes:Project-partner")],
    ),
    (
        "report under two projects",
        [],
        "x:report cfu:project x:pasca .",
        [(V, "x:report", "cfu:project", "shapes:Report-project")],
    ),
    (
        "acronym without notation",
        ["x:cso skos:notation *"],
        "",
        [(V, "x:cso", "skos:notation", "shapes:Acronym-notation")],
    ),
    (
        "acronym as an untagged alternative label",
        ["x:cso skos:altLabel *"],
        'x:cso skos:altLabel "CSO" .',
        [(V, "x:cso", "skos:altLabel", "shapes:Acronym-altLabel")],
    ),
    (
        "acronym expansion only in Spanish",
        ["x:edca skos:prefLabel *"],
        'x:edca skos:prefLabel "Estándar de Datos para las Contrataciones Abiertas"@es .',
        [(V, "x:edca", "skos:prefLabel", "shapes:Acronym-prefLabel")],
    ),
    (
        "graph without a caption",
        ["x:graph2 dcterms:title *"],
        "",
        [(V, "x:graph2", "dcterms:title", "shapes:Figure-title")],
    ),
    (
        "table on two axes",
        [],
        "x:table1 cfu:thematicAxis x:axisA , x:axisB .\n" + AXIS_B,
        [(V, "x:table1", "cfu:thematicAxis", "shapes:Figure-thematicAxis")],
    ),
    (
        "graph based on a report, not a dataset",
        [],
        f"x:graph2 <{S}isBasedOn> x:report .",
        [(V, "x:graph2", f"<{S}isBasedOn>", "shapes:Figure-basedOn")],
    ),
    (
        "footnote outside any report",
        ["x:footnote17 dcterms:isPartOf *"],
        "",
        [(V, "x:footnote17", "dcterms:isPartOf", "shapes:part-of-report")],
    ),
    (
        "acronym without a source location",
        ["x:edca cfu:sourceLocation *"],
        "",
        [(V, "x:edca", "cfu:sourceLocation", "shapes:source-location")],
    ),
]
