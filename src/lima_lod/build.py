"""Build the RDF dataset: ``ontology/`` + checked data records -> one rdflib Dataset.

Second stage of the flow (after :mod:`lima_lod.load`). Named graphs: ``graph/vocabulary`` (the
ontology), ``graph/code-lists`` (agreement, commitments, axes, criteria, scale, countries,
methodology and the Data Cube structure), ``graph/organizations``, and one ``graph/report/<id>``
per country report (see :mod:`lima_lod.build_report`).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, XSD, URIRef

from .build_report import add_reports
from .errors import DataError, DataErrors
from .graphs import Built, Writer, dated, document_iri, typed
from .iris import DCTERMS, FOAF, ORG, PROV, QB, SCHEMA, SKOS, Iris
from .load import Corpus, Item, load_corpus
from .rdfio import new_dataset, read_rdf_folder
from .rounds import add_rounds

#: Class of an organisation, by the ``kind`` its data file gives.
KIND_CLASSES: dict[str, tuple[str, ...]] = {
    "civil-society": ("CivilSocietyOrganization",),
    "network": ("CivilSocietyOrganization",),
    "public-institution": ("PublicInstitution",),
    "system": ("PublicInstitution",),
    "observatory": ("Observatory",),
    "international": (),
    "academic": (),
    "media": (),
}

#: The Data Cube dimensions of a rating, in order.
DIMENSIONS = ("country", "period", "commitment", "criterion")
#: The dimensions one report fixes: its slice key (a report is one country in one round).
SLICE_DIMENSIONS = ("country", "period")


def build(root: Path, iris: Iris | None = None, corpus: Corpus | None = None) -> Built:
    """Build the whole dataset from a project root.

    Args:
        root: the folder holding ``ontology/`` and ``data/``.
        iris: the IRI minter (default base when omitted).
        corpus: already-loaded data; loaded from ``root/data`` when omitted.
    """
    iris = iris or Iris()
    corpus = corpus if corpus is not None else load_corpus(root / "data")
    built = Built(new_dataset(iris), iris, corpus=corpus)
    read_rdf_folder(root / "ontology", iris, built.graph("vocabulary"))
    codes = Writer(built.graph("code-lists"), iris.vocab, built.locations)
    _agreements(codes, corpus, iris)
    _methodologies(codes, corpus, iris)
    _countries(codes, corpus, iris)
    _structure(codes, corpus, iris)
    orgs = Writer(built.graph("organizations"), iris.vocab, built.locations)
    _organizations(orgs, corpus, iris)
    add_reports(built, corpus)
    add_rounds(built, corpus)
    return built


def _agreements(w: Writer, corpus: Corpus, iris: Iris) -> None:
    cfu = iris.vocab
    agreements = corpus.section("agreement")
    if len(agreements) > 1:
        raise DataErrors(
            [
                DataError(a.where("id"), "agreement", a["id"], "one agreement per deployment")
                for a in agreements[1:]
            ]
        )
    for doc in corpus.section("sources"):
        subject = w.thing(
            iris.mint("document", doc["id"]),
            (FOAF.Document, PROV.Entity),
            doc["title"],
            doc.where(),
        )
        w.add(subject, DCTERMS.title, doc["title"], "en")
        w.add(subject, DCTERMS.issued, doc.get("issued"))
        w.add(subject, DCTERMS.language, doc.get("language"))
        w.add(subject, SKOS.note, doc.get("note"), "en")
        if doc.get("publisher"):
            w.add(subject, DCTERMS.publisher, iris.organization(doc["publisher"]))
    for a in agreements:
        subject = w.thing(
            iris.agreement(a["id"]), (cfu.Agreement, SKOS.ConceptScheme), a["title"], a.where()
        )
        w.add(subject, DCTERMS.title, a["title"], "en")
        w.add(subject, SKOS.prefLabel, a["title"], "en")
        for alt in a.get("alt_titles", []):
            w.add(subject, SKOS.altLabel, alt, "en")
        w.add(subject, cfu.commitmentCount, typed(a["commitment_count"], XSD.nonNegativeInteger))
        w.add(subject, DCTERMS.description, a.get("description"), "en")
        if a.get("signed"):
            w.add(subject, DCTERMS.date, dated(str(a["signed"])))
        if a.get("event"):
            event = w.thing(iris.mint("event", a["id"]), PROV.Activity, a["event"], a.where())
            w.add(event, SCHEMA.location, a.get("place"))
            w.add(subject, PROV.wasGeneratedBy, event)
        for url in a.get("related_match", []):
            w.add(subject, SKOS.relatedMatch, URIRef(url))
        w.sourced(subject, document_iri(iris, a), a["source"])
        listed = {
            c["number"]: c
            for c in corpus.section("commitments")
            if c.context.get("agreement") == str(a["id"])
        }
        for number in range(1, a["commitment_count"] + 1):
            _commitment(w, iris, subject, number, listed.get(number))
    for axis in corpus.section("axes"):
        scheme = w.thing(iris.scheme("axes"), SKOS.ConceptScheme, "Thematic axes")
        concept = w.concept(
            iris.axis(axis["code"]),
            cfu.ThematicAxis,
            axis["label"],
            scheme,
            axis["code"],
            axis.where(),
            top=True,
        )
        w.add(concept, SCHEMA.position, axis.get("number"))
        w.sourced(concept, document_iri(iris, axis), axis["source"])


def _commitment(w: Writer, iris: Iris, agreement: URIRef, number: int, item: Item | None) -> None:
    cfu = iris.vocab
    subject = w.concept(
        iris.commitment(number),
        cfu.Commitment,
        f"Commitment {number}",
        agreement,
        number,
        item.where() if item else None,
        top=True,
    )
    # the name is ours (the report numbers its commitments), so it is ours to give in Spanish too
    w.add(subject, RDFS.label, f"Compromiso {number}", "es")
    w.add(subject, SKOS.prefLabel, f"Compromiso {number}", "es")
    w.add(subject, cfu.commitmentNumber, typed(number, XSD.positiveInteger))
    if item is None:
        return
    w.add(subject, cfu.text, item.get("text"), "en")
    w.add(subject, cfu.summary, item.get("summary"), "en")
    w.add(subject, SKOS.note, item.get("note"), "en")
    if item.get("axis"):
        w.add(subject, cfu.thematicAxis, iris.axis(item["axis"]))
    w.sourced(subject, document_iri(iris, item), item["source"])


def _methodologies(w: Writer, corpus: Corpus, iris: Iris) -> None:
    cfu = iris.vocab
    agreements = [str(a["id"]) for a in corpus.section("agreement")]
    for m in corpus.section("methodology"):
        subject = w.thing(iris.mint("methodology", m["id"]), cfu.Methodology, m["title"], m.where())
        w.add(subject, DCTERMS.title, m["title"], "en")
        if m.get("url"):
            w.add(subject, FOAF.page, URIRef(m["url"]))
        agreement = m.get("agreement") or (agreements[0] if len(agreements) == 1 else None)
        if agreement:
            w.add(subject, cfu.followsUp, iris.agreement(agreement))
            for c in corpus.section("commitments"):
                if c.context.get("agreement") == str(agreement):
                    w.add(subject, cfu.prioritises, iris.commitment(c["number"]))
        if m.get("observatory"):
            w.add(subject, cfu.observatory, iris.organization(m["observatory"]))
        for key, prop in (
            ("countries", cfu.countryCount),
            ("prioritised_commitments", cfu.commitmentCount),
            ("axes", cfu.axisCount),
            ("normative_questions", cfu.normativeQuestionCount),
            ("practical_questions", cfu.practicalQuestionCount),
        ):
            if m.get(key) is not None:
                w.add(subject, prop, typed(m[key], XSD.nonNegativeInteger))
        w.add(subject, cfu.reviewPeriod, m.get("period"), "en")
        for criterion in m.get("selection_criteria", []):
            w.add(subject, cfu.selectionCriterion, criterion["text"], "en")
        w.add(subject, SKOS.note, m.get("note"), "en")
        w.add(subject, cfu.criteria, iris.scheme("criteria"))
        w.add(subject, cfu.scale, iris.scheme("scale"))
        w.sourced(subject, document_iri(iris, m), m["source"])
    criteria = w.thing(iris.scheme("criteria"), SKOS.ConceptScheme, "Follow-up criteria")
    for c in corpus.section("criteria"):
        concept = w.concept(
            iris.criterion(c["code"]),
            cfu.Criterion,
            c["label"],
            criteria,
            c["code"],
            c.where(),
            top=not c.get("broader"),
        )
        w.add(concept, SKOS.definition, c.get("definition"), "en")
        if c.get("broader"):
            w.add(concept, SKOS.broader, iris.criterion(c["broader"]))
            w.add(iris.criterion(c["broader"]), SKOS.narrower, concept)
        w.sourced(concept, document_iri(iris, c), c["source"])
    scale = w.thing(iris.scheme("scale"), SKOS.ConceptScheme, "Rating scale 0-3")
    for level in corpus.section("scale"):
        concept = w.concept(
            iris.level(level["value"]),
            cfu.ScaleLevel,
            level["label"],
            scale,
            level["value"],
            level.where(),
            top=True,
        )
        w.add(concept, RDF.value, level["value"])
        w.sourced(concept, document_iri(iris, level), level["source"])


def _countries(w: Writer, corpus: Corpus, iris: Iris) -> None:
    scheme = w.thing(iris.scheme("countries"), SKOS.ConceptScheme, "Countries")
    for c in corpus.section("countries"):
        concept = w.concept(
            iris.country(c["code"]),
            DCTERMS.Location,
            c["name"],
            scheme,
            c["code"],
            c.where(),
            top=True,
        )
        for url in c.get("exact_match", []):
            w.add(concept, SKOS.exactMatch, URIRef(url))
        w.sourced(concept, document_iri(iris, c), c["source"])


def _structure(w: Writer, corpus: Corpus, iris: Iris) -> None:
    """The Data Cube structure shared by every country's ratings, its slice key and code lists,
    and the one cube (``qb:DataSet``) every report's observations belong to."""
    cfu = iris.vocab
    dsd = w.thing(
        iris.structure(), QB.DataStructureDefinition, "Structure of the commitment ratings"
    )
    for order, name in enumerate(DIMENSIONS, start=1):
        spec = w.thing(
            iris.mint("structure", "commitment-ratings", name),
            QB.ComponentSpecification,
            f"Dimension: {name}",
        )
        w.add(spec, QB.dimension, cfu[name])
        w.add(spec, QB.order, order)
        w.add(dsd, QB.component, spec)
    measure = w.thing(
        iris.mint("structure", "commitment-ratings", "score"),
        QB.ComponentSpecification,
        "Measure: score",
    )
    w.add(measure, QB.measure, cfu.score)
    w.add(dsd, QB.component, measure)
    agreements = corpus.section("agreement")
    if agreements:
        w.add(cfu.commitment, QB.codeList, iris.agreement(agreements[0]["id"]))
    w.add(cfu.criterion, QB.codeList, iris.scheme("criteria"))
    w.add(cfu.country, QB.codeList, iris.scheme("countries"))
    key = w.thing(iris.slice_key(), QB.SliceKey, "Slice key: one report (country and period)")
    for name in SLICE_DIMENSIONS:
        w.add(key, QB.componentProperty, cfu[name])
    w.add(dsd, QB.sliceKey, key)
    cube = w.thing(iris.cube(), QB.DataSet, "Commitment ratings, every report")
    w.add(cube, DCTERMS.title, "Commitment ratings, every report", "en")
    w.add(cube, QB.structure, dsd)
    w.add(cube, DCTERMS.isPartOf, iris.release_dataset())


def organization_classes(iris: Iris, kind: str) -> tuple[URIRef, ...]:
    """The classes of an organisation of one kind."""
    return (ORG.Organization, *(iris.vocab[name] for name in KIND_CLASSES[kind]))


def _organizations(w: Writer, corpus: Corpus, iris: Iris) -> None:
    for o in corpus.section("organizations"):
        subject = w.thing(
            iris.organization(o["id"]), organization_classes(iris, o["kind"]), o["name"], o.where()
        )
        w.add(subject, SKOS.prefLabel, o["name"], "en")
        w.add(subject, FOAF.name, o["name"])
        for alt in o.get("alt_names", []):
            w.add(subject, SKOS.altLabel, alt, "en")
        if o.get("acronym"):
            spanish = "spanish" in str(o.get("acronym_note", "")).lower()
            w.add(subject, iris.vocab.acronym, o["acronym"], "es" if spanish else None)
        for acronym in o.get("alt_acronyms", []):
            w.add(subject, iris.vocab.acronym, acronym)
        if o.get("website"):
            w.add(subject, FOAF.homepage, URIRef(o["website"]))
        w.add(subject, DCTERMS.description, o.get("description"), "en")
        w.add(subject, DCTERMS.description, o.get("role"), "en")
        w.add(subject, SKOS.note, o.get("note"), "en")
        if o.get("country"):
            w.add(subject, DCTERMS.spatial, iris.country(o["country"]))
        if o.get("part_of"):
            w.add(subject, ORG.subOrganizationOf, iris.organization(o["part_of"]))
        for other in o.get("member_of", []):
            w.add(subject, ORG.memberOf, iris.organization(other))
        for url in o.get("exact_match", []):
            w.add(subject, SKOS.exactMatch, URIRef(url))
        w.sourced(subject, document_iri(iris, o), o["source"])
