"""SPARQLWrapper's own requests, for every return format it offers and every query form.

SPARQLWrapper names a format by a short name in ``format``/``output``/``results`` (twice for TSV,
JSON-LD and RDF/XML: the name, then its Accept list), with an Accept header of its own, falling
back to ``*/*`` where its format does not fit the form. Each answer is read back through
SPARQLWrapper's ``convert()`` (and rdflib or the csv module where that gives bytes).
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from typing import Any
from xml.dom.minidom import Document

import pytest
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.Wrapper import QueryResult
from webkit import LABEL, SLASHED

FORMATS = [JSON, XML, TURTLE, N3, RDF, RDFXML, CSV, TSV, JSONLD]
QUERIES = {
    "SELECT": f"SELECT ?label WHERE {{ <{SLASHED}> <{LABEL}> ?label }}",
    "ASK": f"ASK {{ <{SLASHED}> <{LABEL}> ?label }}",
    "CONSTRUCT": f"CONSTRUCT WHERE {{ <{SLASHED}> <{LABEL}> ?label }}",
    "DESCRIBE": f"DESCRIBE <{SLASHED}>",
}

#: The media type each (form, format) is answered in: the asked one where the form has it, else
#: what SPARQLWrapper's Accept (``*/*``) gets, the first of the form's formats.
RESULTS = {
    JSON: "application/sparql-results+json",
    XML: "application/sparql-results+xml",
    CSV: "text/csv",
    TSV: "text/tab-separated-values",
}
GRAPHS = {
    TURTLE: "text/turtle",
    N3: "text/turtle",
    RDF: "application/rdf+xml",
    RDFXML: "application/rdf+xml",
    XML: "application/rdf+xml",
    JSONLD: "application/ld+json",
    JSON: "application/ld+json",
}
RDFLIB = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}


def expected_media_type(form: str, fmt: str) -> str:
    if form in ("SELECT", "ASK"):
        return RESULTS.get(fmt, RESULTS[JSON])
    return GRAPHS.get(fmt, GRAPHS[TURTLE])


def ask(url: str, form: str, fmt: str, method: str) -> tuple[str, Any]:
    client = SPARQLWrapper(url)
    client.setMethod(method)
    client.setReturnFormat(fmt)
    client.setQuery(QUERIES[form])
    with warnings.catch_warnings():  # SPARQLWrapper warns where it falls back to */*
        warnings.simplefilter("ignore", RuntimeWarning)
        result: QueryResult = client.query()
        media_type = result.info()["content-type"].split(";")[0].strip()
        return media_type, result.convert()


def solutions(media_type: str, converted: Any) -> list[str] | bool:
    """The labels of a SELECT answer, or the boolean of an ASK answer, as SPARQLWrapper read it."""
    if media_type == RESULTS[JSON]:
        data = converted if isinstance(converted, dict) else json.loads(converted)
        if "boolean" in data:
            return bool(data["boolean"])
        return [row["label"]["value"] for row in data["results"]["bindings"]]
    if media_type == RESULTS[XML]:
        assert isinstance(converted, Document)
        booleans = converted.getElementsByTagName("boolean")
        if booleans:
            return booleans[0].firstChild.data == "true"  # type: ignore[union-attr]
        return [
            node.firstChild.data  # type: ignore[union-attr]
            for node in converted.getElementsByTagName("literal")
        ]
    text = converted.decode("utf-8")
    if text.strip() in ("true", "false"):  # our ASK in CSV/TSV: the bare boolean
        return text.strip() == "true"
    if media_type == RESULTS[CSV]:
        rows = list(csv.reader(io.StringIO(text)))
    else:
        rows = [line.split("\t") for line in text.splitlines()]
    return [row[0].strip('"') for row in rows[1:]]


def graph(media_type: str, converted: Any) -> Graph:
    if isinstance(converted, Graph):
        return converted
    return Graph().parse(data=converted, format=RDFLIB[media_type])


@pytest.mark.parametrize("method", ["GET", POST])
@pytest.mark.parametrize("form", list(QUERIES))
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_return_format_for_every_form(live: str, fmt: str, form: str, method: str) -> None:
    media_type, converted = ask(f"{live}/sparql", form, fmt, method)
    assert media_type == expected_media_type(form, fmt)
    if form == "SELECT":
        assert solutions(media_type, converted) == ["Slashed"]
    elif form == "ASK":
        assert solutions(media_type, converted) is True
    else:
        answer = graph(media_type, converted)
        assert (URIRef(SLASHED), URIRef(LABEL), Literal("Slashed")) in answer
