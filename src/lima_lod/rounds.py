"""Rounds of the follow-up as resources of their own: part of the build stage.

A round is the observatory's follow-up in one period with one methodology: every country report
of that year and methodology belongs to it. It says its period and what it used (the
methodology, its criteria and its rating scale), so that figures from rounds with another scale or
other criteria are not compared unawares (``queries/change-between-rounds.rq`` flags them).
"""

from __future__ import annotations

from rdflib import XSD, URIRef

from .graphs import Built, Writer, typed
from .iris import PROV, Iris
from .load import Corpus


def round_iri(iris: Iris, methodology: str, year: str | int) -> URIRef:
    """The IRI of the round of one methodology in one year."""
    return iris.mint("round", methodology, str(year))


def add_rounds(built: Built, corpus: Corpus) -> None:
    """Describe each round in the code lists, and link each report to its round."""
    iris, cfu = built.iris, built.iris.vocab
    codes = Writer(built.graph("code-lists"), cfu, built.locations)
    titles = {str(m["id"]): str(m["title"]) for m in corpus.section("methodology")}
    for report in corpus.section("report"):
        methodology, year = str(report["methodology"]), str(report["year"])
        subject = round_iri(iris, methodology, year)
        codes.thing(subject, cfu.Round, f"Round {year}, {titles.get(methodology, methodology)}")
        codes.add(subject, cfu.period, typed(year, XSD.gYear))
        used = iris.mint("methodology", methodology)
        codes.add(subject, PROV.used, used)
        codes.add(subject, PROV.used, iris.scheme("criteria"))
        codes.add(subject, PROV.used, iris.scheme("scale"))
        in_report = Writer(built.graph(f"report/{report['id']}"), cfu, built.locations)
        in_report.add(iris.report(str(report["id"])), cfu.round, subject)
