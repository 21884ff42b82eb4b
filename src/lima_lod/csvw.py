"""CSV tables for people who do not use RDF, with CSV on the Web (CSVW) metadata.

Publishing stage. Each table is one row of :data:`TABLES`: its columns say which RDF property a
cell stands for, and how its value becomes an IRI (a URI template) or a literal (datatype,
language). From that one table come both the CSV (read from the built graph) and the CSVW
metadata (``csv-metadata.json``), so that converting the CSV + metadata back to RDF (CSV2RDF)
yields the same observations as the graph. Columns a person wants but the graph holds elsewhere
(a country's name) and lists of links are marked ``suppressOutput``: CSVW expands a ``valueUrl``
once per cell, so a list cell cannot give one IRI per item.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DC
from rdflib.term import Node

from .files import write_file
from .iris import DCTERMS, FOAF, ORG, QB, SCHEMA, SKOS, Iris

#: Folder of the tables inside a release, and the CSVW metadata file's name in it.
CSV_FOLDER = "csv"
METADATA_FILE = "csv-metadata.json"
CSVW_CONTEXT = "http://www.w3.org/ns/csvw"  # the CSVW context is named, never fetched
XSD_TYPES = ("decimal", "integer", "positiveInteger", "gYear", "string")

Row = dict[str, str]


@dataclass(frozen=True)
class Column:
    """One column: its name (also the URI-template variable), title, and how it becomes RDF.

    ``value`` is a URI template (``{name}`` stands for this or another column of the row); a
    column without ``value`` gives a literal of ``datatype`` (and ``lang`` for text).
    """

    name: str
    title: str
    prop: URIRef | None = None
    value: str | None = None
    datatype: str = "string"
    lang: str | None = None
    separator: str | None = None
    suppress: bool = False
    required: bool = False
    about: str | None = None  # the cell describes another subject than the row's


@dataclass(frozen=True)
class Table:
    """One CSV file: its rows come from ``rows(graph, iris)``; each row describes ``about``."""

    name: str
    title: str
    title_es: str
    about: str | None
    rdf_type: URIRef | None
    columns: tuple[Column, ...]
    rows: Callable[[Graph, Iris], list[Row]]
    key: tuple[str, ...] = field(default_factory=tuple)
    #: Virtual columns: (name, property, value IRI) said of every row's subject.
    fixed: tuple[tuple[str, URIRef, str], ...] = ()

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


# -- reading the graph -------------------------------------------------------------------------


def _keys(iris: Iris, node: Node | None, kind: str) -> tuple[str, ...]:
    parsed = iris.parse(str(node)) if isinstance(node, URIRef) else None
    if parsed is None or parsed[0] != kind:
        return ()
    return parsed[1]


def _key(iris: Iris, node: Node | None, kind: str) -> str:
    keys = _keys(iris, node, kind)
    return keys[-1] if keys else ""


def _text(graph: Graph, subject: Node, prop: URIRef, lang: str | None = None) -> str:
    """The one literal of a subject for a property (in one language when asked), or ''."""
    for value in sorted(graph.objects(subject, prop), key=str):
        if isinstance(value, Literal) and (lang is None or value.language == lang):
            return str(value)
    return ""


def _keys_of(graph: Graph, iris: Iris, subject: Node, prop: URIRef, kind: str) -> str:
    return " ".join(
        sorted((_key(iris, o, kind) for o in graph.objects(subject, prop)), key=_natural)
    )


def _natural(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (1 << 30, value)


def _subjects(
    graph: Graph, cls: URIRef, iris: Iris, kind: str
) -> list[tuple[URIRef, tuple[str, ...]]]:
    found = []
    for s in set(graph.subjects(RDF.type, cls)):
        keys = _keys(iris, s, kind)
        if isinstance(s, URIRef) and keys:
            found.append((s, keys))
    return sorted(found, key=lambda pair: tuple(_natural(k) for k in pair[1]))


def _observations(graph: Graph, iris: Iris) -> list[Row]:
    cfu = iris.vocab
    rows = []
    order = {criterion: n for n, (_, criterion) in enumerate(WIDE_SCORES)}
    found = _subjects(graph, QB.Observation, iris, "observation")
    found.sort(key=lambda pair: (pair[1][0], _natural(pair[1][1]), order.get(pair[1][2], 9)))
    for s, (report, number, criterion) in found:
        country = graph.value(s, cfu.country)
        commitment = graph.value(s, cfu.commitment)
        rows.append(
            {
                "report": report,
                "country": _key(iris, country, "country"),
                "country_name": _text(graph, country, SKOS.prefLabel, "en") if country else "",
                "year": str(graph.value(s, cfu.period) or ""),
                "commitment": number,
                "axis": _key(iris, graph.value(commitment, cfu.thematicAxis), "axis"),
                "criterion": criterion,
                "score": str(graph.value(s, cfu.score) or ""),
                "label": _text(graph, s, RDFS.label, "en"),
                "source_document": _key(iris, graph.value(s, DCTERMS.source), "document"),
                "source_location": _text(graph, s, cfu.sourceLocation),
                "note": _text(graph, s, SKOS.note, "en"),
            }
        )
    return rows


#: The columns of the wide table, like the report's Annex 1, and the criterion each one holds.
WIDE_SCORES = (
    ("relevance", "relevance"),
    ("effectiveness", "effectiveness"),
    ("sustainability", "sustainability"),
    ("average", "overall"),
)


def _wide(graph: Graph, iris: Iris) -> list[Row]:
    by_row: dict[tuple[str, str], Row] = {}
    criterion_column = {criterion: column for column, criterion in WIDE_SCORES}
    for obs in _observations(graph, iris):
        row = by_row.setdefault(
            (obs["report"], obs["commitment"]),
            {
                "report": obs["report"],
                "country": obs["country"],
                "year": obs["year"],
                "axis": obs["axis"],
                "commitment": obs["commitment"],
                "commitment_text": _commitment_words(graph, iris, obs["commitment"]),
            },
        )
        column = criterion_column.get(obs["criterion"])
        if column:
            row[column] = obs["score"]
    return list(by_row.values())


def _commitment_words(graph: Graph, iris: Iris, number: str) -> str:
    subject = iris.commitment(int(number))
    return _text(graph, subject, iris.vocab.text, "en") or _text(
        graph, subject, iris.vocab.summary, "en"
    )


def _commitments(graph: Graph, iris: Iris) -> list[Row]:
    cfu = iris.vocab
    return [
        {
            "number": number,
            "agreement": _key(iris, graph.value(s, SKOS.inScheme), "agreement"),
            "axis": _key(iris, graph.value(s, cfu.thematicAxis), "axis"),
            "text": _text(graph, s, cfu.text, "en"),
            "summary": _text(graph, s, cfu.summary, "en"),
            "note": _text(graph, s, SKOS.note, "en"),
        }
        for s, (number,) in _subjects(graph, cfu.Commitment, iris, "commitment")
    ]


def _organization_row(graph: Graph, iris: Iris, s: URIRef, key: str) -> Row:
    cfu = iris.vocab
    kinds = sorted(
        str(c).rsplit("#", 1)[-1] for c in graph.objects(s, RDF.type) if str(c).startswith(str(cfu))
    )
    return {
        "id": key,
        "name": _text(graph, s, FOAF.name),
        "acronym": _text(graph, s, cfu.acronym),
        "kind": " ".join(kinds),
        "country": _key(iris, graph.value(s, DCTERMS.spatial), "country"),
        "part_of": _key(iris, graph.value(s, ORG.subOrganizationOf), "organization"),
        "website": str(graph.value(s, FOAF.homepage) or ""),
        "exact_match": " ".join(sorted(str(o) for o in graph.objects(s, SKOS.exactMatch))),
    }


def _organizations(graph: Graph, iris: Iris) -> list[Row]:
    return [
        _organization_row(graph, iris, s, keys[0])
        for s, keys in _subjects(graph, ORG.Organization, iris, "organization")
        if len(keys) == 1
    ]


def _institutions(graph: Graph, iris: Iris) -> list[Row]:
    cfu = iris.vocab
    rows = []
    for s, keys in _subjects(graph, cfu.PublicInstitution, iris, "organization"):
        row = _organization_row(graph, iris, s, keys[0])
        del row["kind"]
        parsed = [iris.parse(str(stmt)) for stmt in graph.subjects(cfu.namesInstitution, s)]
        row["named_in"] = " ".join(
            sorted("/".join((kind, *keys)) for kind, keys in filter(None, parsed))
        )
        rows.append(row)
    return rows


def _calls(graph: Graph, iris: Iris) -> list[Row]:
    cfu = iris.vocab
    return [
        {
            "report": report,
            "id": key,
            "position": str(graph.value(s, SCHEMA.position) or ""),
            "axis": _key(iris, graph.value(s, cfu.thematicAxis), "axis"),
            "parent": _key(iris, graph.value(s, cfu.partOfCall), "call-to-action"),
            "text": _text(graph, s, cfu.text, "en"),
            "commitments": _keys_of(graph, iris, s, cfu.aboutCommitment, "commitment"),
            "institutions": _keys_of(graph, iris, s, cfu.namesInstitution, "organization"),
            "source_location": _text(graph, s, cfu.sourceLocation),
        }
        for s, (report, key) in _subjects(graph, cfu.CallToAction, iris, "call-to-action")
    ]


def _references(graph: Graph, iris: Iris) -> list[Row]:
    return [
        {
            "report": report,
            "id": key,
            "position": str(graph.value(s, SCHEMA.position) or ""),
            "author": _text(graph, s, DC.creator),
            "year": str(graph.value(s, DCTERMS.date) or ""),
            "title": _text(graph, s, DCTERMS.title),
            "url": str(graph.value(s, FOAF.page) or ""),
            "source_location": _text(graph, s, iris.vocab.sourceLocation),
        }
        for s, (report, key) in _subjects(graph, DCTERMS.BibliographicResource, iris, "reference")
    ]


# -- the tables --------------------------------------------------------------------------------


def tables(iris: Iris) -> tuple[Table, ...]:
    """Every table of the release, with the IRIs of this deployment."""
    cfu, t = iris.vocab, iris.template
    country = Column(
        "country",
        "Country code (ISO 3166-1 alpha-2)",
        cfu.country,
        t("country", "{country}"),
        required=True,
    )
    year = Column("year", "Year of the report", cfu.period, datatype="gYear", required=True)
    report = Column("report", "Report", suppress=True, required=True)
    axis = Column("axis", "Thematic axis of the commitment", suppress=True)
    in_report = (  # a resource that is part of one report, numbered in it
        Column("report", "Report", DCTERMS.isPartOf, t("report", "{report}"), required=True),
        Column("id", "Identifier", suppress=True, required=True),
        Column("position", "Position in the report", SCHEMA.position, datatype="integer"),
    )
    organization_columns = (
        Column("id", "Identifier", suppress=True, required=True),
        Column("name", "Name", FOAF.name, required=True),
        Column("acronym", "Acronym", suppress=True),
        Column("country", "Country code", DCTERMS.spatial, t("country", "{country}")),
        Column(
            "part_of",
            "Part of (organisation id)",
            ORG.subOrganizationOf,
            t("organization", "{part_of}"),
        ),
        Column("website", "Website", FOAF.homepage, "{+website}"),
        Column(
            "exact_match",
            "Same as (Wikidata and other IRIs; skos:exactMatch in the RDF)",
            suppress=True,
            separator=" ",
        ),
    )
    return (
        Table(
            "ratings-long",
            "Ratings, one row per observation",
            "Calificaciones, una fila por observación",
            t("observation", "{report}", "{commitment}", "{criterion}"),
            QB.Observation,
            (
                # the report's slice lists the observation; the observation is in the one cube
                Column(
                    "report",
                    "Report",
                    QB.observation,
                    t("observation", "{report}", "{commitment}", "{criterion}"),
                    required=True,
                    about=t("dataset", "{report}"),
                ),
                country,
                Column("country_name", "Country", suppress=True),
                year,
                Column(
                    "commitment",
                    "Commitment number",
                    cfu.commitment,
                    t("commitment", "{commitment}"),
                    "positiveInteger",
                    required=True,
                ),
                axis,
                Column(
                    "criterion",
                    "Criterion",
                    cfu.criterion,
                    t("criterion", "{criterion}"),
                    required=True,
                ),
                Column("score", "Score (0-3)", cfu.score, datatype="decimal", required=True),
                Column("label", "Label", RDFS.label, lang="en"),
                Column(
                    "source_document",
                    "Source document",
                    DCTERMS.source,
                    t("document", "{source_document}"),
                ),
                Column("source_location", "Where in the source", cfu.sourceLocation),
                Column("note", "Note", SKOS.note, lang="en"),
            ),
            _observations,
            ("report", "commitment", "criterion"),
            (("dataSet", QB.dataSet, str(iris.cube())),),
        ),
        Table(
            "ratings-wide",
            "Ratings by commitment, like the report's Annex 1",
            "Calificaciones por compromiso, como el Anexo 1 del informe",
            None,
            None,
            (
                report,
                Column("country", "Country code", suppress=True),
                Column("year", "Year", suppress=True, datatype="gYear"),
                axis,
                Column(
                    "commitment",
                    "Commitment number",
                    suppress=True,
                    datatype="positiveInteger",
                    required=True,
                ),
                Column("commitment_text", "Commitment", suppress=True),
                *(
                    Column(
                        column,
                        f"{column.capitalize()} score (0-3)",
                        cfu.score,
                        datatype="decimal",
                        about=t("observation", "{report}", "{commitment}", criterion),
                    )
                    for column, criterion in WIDE_SCORES
                ),
            ),
            _wide,
            ("report", "commitment"),
        ),
        Table(
            "commitments",
            "Commitments of the agreement",
            "Compromisos del acuerdo",
            t("commitment", "{number}"),
            cfu.Commitment,
            (
                Column(
                    "number",
                    "Number",
                    cfu.commitmentNumber,
                    datatype="positiveInteger",
                    required=True,
                ),
                Column("agreement", "Agreement", SKOS.inScheme, t("agreement", "{agreement}")),
                Column("axis", "Thematic axis", cfu.thematicAxis, t("axis", "{axis}")),
                Column("text", "Text", cfu.text, lang="en"),
                Column("summary", "Summary", cfu.summary, lang="en"),
                Column("note", "Note", SKOS.note, lang="en"),
            ),
            _commitments,
            ("number",),
        ),
        Table(
            "organizations",
            "Organisations",
            "Organizaciones",
            t("organization", "{id}"),
            ORG.Organization,
            (
                *organization_columns[:3],
                Column("kind", "Kind (class in the cfu vocabulary)", suppress=True),
                *organization_columns[3:],
            ),
            _organizations,
            ("id",),
        ),
        Table(
            "institutions",
            "Public institutions and the statements that name them",
            "Instituciones públicas y las afirmaciones que las nombran",
            t("organization", "{id}"),
            cfu.PublicInstitution,
            (
                *organization_columns,
                Column(
                    "named_in",
                    "Named in (kind/report/id of findings, calls to action)",
                    suppress=True,
                    separator=" ",
                ),
            ),
            _institutions,
            ("id",),
        ),
        Table(
            "calls-to-action",
            "Calls to action",
            "Llamados a la acción",
            t("call-to-action", "{report}", "{id}"),
            cfu.CallToAction,
            (
                *in_report,
                Column("axis", "Thematic axis", cfu.thematicAxis, t("axis", "{axis}")),
                Column(
                    "parent",
                    "Part of call",
                    cfu.partOfCall,
                    t("call-to-action", "{report}", "{parent}"),
                ),
                Column("text", "Text", cfu.text, lang="en"),
                Column(
                    "commitments",
                    "Commitments named (cfu:aboutCommitment in the RDF)",
                    suppress=True,
                    separator=" ",
                ),
                Column(
                    "institutions",
                    "Institutions named (cfu:namesInstitution in the RDF)",
                    suppress=True,
                    separator=" ",
                ),
                Column("source_location", "Where in the source", cfu.sourceLocation),
            ),
            _calls,
            ("report", "id"),
        ),
        Table(
            "references",
            "References",
            "Referencias",
            t("reference", "{report}", "{id}"),
            DCTERMS.BibliographicResource,
            (
                *in_report,
                Column("author", "Author", DC.creator),
                Column("year", "Year", DCTERMS.date, datatype="gYear"),
                Column("title", "Title", DCTERMS.title, required=True),
                Column("url", "URL", FOAF.page, "{+url}"),
                Column("source_location", "Where in the source", cfu.sourceLocation),
            ),
            _references,
            ("report", "id"),
        ),
    )


# -- writing -----------------------------------------------------------------------------------


def to_csv(table: Table, rows: Iterable[Row]) -> str:
    """The CSV text of a table (RFC 4180: comma, double quotes, CRLF, a header row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    for row in rows:
        writer.writerow([row.get(c.name, "") for c in table.columns])
    return out.getvalue()


def _column_metadata(column: Column) -> dict[str, object]:
    meta: dict[str, object] = {
        "name": column.name,
        "titles": column.title,
        "datatype": column.datatype,
    }
    if column.about:
        meta["aboutUrl"] = column.about
    if column.lang:
        meta["lang"] = column.lang
    if column.prop is not None:
        meta["propertyUrl"] = str(column.prop)
    if column.value is not None:
        meta["valueUrl"] = column.value
    if column.separator:
        meta["separator"] = column.separator
    if column.suppress or column.prop is None:
        meta["suppressOutput"] = True
    if column.required:
        meta["required"] = True
    return meta


def metadata(iris: Iris, license_iri: str, version: str) -> dict[str, object]:
    """The CSVW metadata of every table (a table group), as a JSON object."""
    group_tables = []
    for table in tables(iris):
        columns: list[dict[str, object]] = [_column_metadata(c) for c in table.columns]
        virtual = (("type", RDF.type, str(table.rdf_type)),) if table.rdf_type is not None else ()
        for name, prop, value in (*virtual, *table.fixed):
            columns.append(
                {"name": name, "virtual": True, "propertyUrl": str(prop), "valueUrl": value}
            )
        schema: dict[str, object] = {"columns": columns}
        if table.about:
            schema["aboutUrl"] = table.about
        if table.key:
            schema["primaryKey"] = list(table.key)
        group_tables.append(
            {
                "url": table.file,
                "dc:title": [
                    {"@value": table.title, "@language": "en"},
                    {"@value": table.title_es, "@language": "es"},
                ],
                "tableSchema": schema,
            }
        )
    return {
        "@context": [CSVW_CONTEXT, {"@language": "en"}],
        "dc:title": "lima-lod: the Lima Commitment follow-up as tables",
        "dc:license": {"@id": license_iri},
        "dc:hasVersion": version,
        "dialect": {"encoding": "utf-8", "lineTerminators": ["\r\n"], "header": True},
        "tables": group_tables,
    }


def write_tables(
    folder: Path, graph: Graph, iris: Iris, license_iri: str, version: str
) -> list[str]:
    """Write every CSV table and the CSVW metadata; return their paths in the release.

    Args:
        folder: the release folder being built (tables go to ``csv/`` in it).
        graph: the union of the built dataset's graphs.
        iris: the IRI minter of the deployment.
        license_iri: the license of the data, stated in the metadata.
        version: the data version, stated in the metadata.
    """
    written = []
    for table in tables(iris):
        write_file(folder / CSV_FOLDER / table.file, to_csv(table, table.rows(graph, iris)))
        written.append(f"{CSV_FOLDER}/{table.file}")
    text = json.dumps(metadata(iris, license_iri, version), indent=1, ensure_ascii=False)
    write_file(folder / CSV_FOLDER / METADATA_FILE, text + "\n")
    written.append(f"{CSV_FOLDER}/{METADATA_FILE}")
    return written
