"""The vocabulary's HTML documentation, parsed: every term with its labels, definitions, domain,
range and an example; the metadata; working links; no remote resource; everything escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from releasekit import ROOT, Released, release

from lima_lod import layout, vocabulary_docs
from lima_lod.files import ReleaseInfo
from lima_lod.iris import CC_BY_4, SKOS
from lima_lod.release import read_release


@pytest.fixture(scope="module")
def released() -> Released:
    return release()


@pytest.fixture(scope="module")
def page(released: Released) -> BeautifulSoup:
    html = (released.folder / layout.VOCABULARY_DOCS).read_text(encoding="utf-8")
    return BeautifulSoup(html, "lxml")


def terms(vocabulary: Graph, namespace: str) -> list[URIRef]:
    return sorted(
        {
            s
            for s in vocabulary.subjects(RDFS.isDefinedBy, None)
            if isinstance(s, URIRef) and str(s).startswith(namespace)
        }
    )


def field(section: Tag, name: str) -> Tag:
    """The <dd> that follows the <dt> with this text, inside one term's section."""
    for dt in section.find_all("dt"):
        if dt.get_text(strip=True) == name:
            dd = dt.find_next_sibling("dd")
            assert isinstance(dd, Tag)
            return dd
    raise AssertionError(f"no {name!r} in {section.get('id')}")


def linked_iris(dd: Tag) -> set[str]:
    return {str(a["title"]) for a in dd.find_all("a")}


def test_every_term_is_documented(released: Released, page: BeautifulSoup) -> None:
    vocabulary, iris = released.built.graph("vocabulary"), released.built.iris
    data = released.built.dataset
    documented = 0
    for term in terms(vocabulary, str(iris.vocab)):
        local = str(term)[len(str(iris.vocab)) :]
        section = page.find("section", id=local)
        assert isinstance(section, Tag), local
        assert field(section, "IRI").get_text(strip=True) == str(term)
        for predicate, name in ((RDFS.label, "Label"), (SKOS.definition, "Definition")):
            shown = {
                p["lang"]: p.get_text(" ", strip=True).split(" ", 1)[1]
                for p in field(section, name).find_all("p")
            }
            expected = {
                o.language: str(o)
                for o in vocabulary.objects(term, predicate)
                if isinstance(o, Literal)
            }
            assert {"en", "es"} <= set(expected), (local, name)
            assert shown == expected, (local, name)
        is_class = (term, RDF.type, OWL.Class) in vocabulary
        if not is_class:
            for predicate, name in ((RDFS.domain, "Domain"), (RDFS.range, "Range")):
                assert linked_iris(field(section, name)) == {
                    str(o) for o in vocabulary.objects(term, predicate)
                }, (local, name)
        example = field(section, "Example")
        used = (
            any(True for _ in data.quads((None, RDF.type, term, None)))
            if is_class
            else any(True for _ in data.quads((None, term, None, None)))
        )
        assert (example.find("pre") is not None) == used, local
        if used:
            source = example.find("a")
            assert source is not None
            subject = URIRef(str(source["href"]))
            assert any(True for _ in data.quads((subject, None, None, None))), local
        documented += 1
    assert documented >= 30


def test_metadata_and_how_to_cite(released: Released, page: BeautifulSoup) -> None:
    summary = read_release(released.folder)
    iris = released.built.iris
    assert page.find(id="ontology-iri").get_text(strip=True) == str(iris.ontology)
    assert page.find(id="version-iri").get_text(strip=True) == summary["vocabulary_version_iri"]
    assert page.find(id="version").get_text(strip=True) == summary["vocabulary_version"]
    assert page.find(id="prefix").get_text(strip=True) == "cfu"
    assert page.find(id="namespace").get_text(strip=True) == str(iris.vocab)
    assert page.find(id="license")["href"] == str(CC_BY_4)
    assert page.find(id="authors").get_text(strip=True)
    citation = page.find(id="citation").get_text(" ", strip=True)
    assert str(summary["vocabulary_version"]) in citation
    assert str(summary["vocabulary_version_iri"]) in citation
    abstract = page.find("section", id="abstract")
    assert {p["lang"] for p in abstract.find_all("p")} == {"en", "es"}


def test_links_to_the_serialisations_resolve(released: Released, page: BeautifulSoup) -> None:
    here = (released.folder / layout.VOCABULARY_DOCS).parent
    local = [
        a["href"]
        for a in page.find_all("a", href=True)
        if not urlsplit(str(a["href"])).scheme and not str(a["href"]).startswith("#")
    ]
    assert local
    for href in local:
        assert (here / str(href)).resolve().is_file(), href
    names = {Path(str(a["href"])).name for a in page.select("#serialisations a")}
    version = read_release(released.folder)["vocabulary_version"]
    assert names == {
        f"cfu-{version}.ttl",
        f"cfu-{version}.nt",
        f"cfu-{version}.jsonld",
        f"cfu-{version}.rdf",
    }
    anchors = {
        str(a["href"])[1:] for a in page.find_all("a", href=True) if str(a["href"]).startswith("#")
    }
    for anchor in anchors:
        assert page.find(id=anchor) is not None, anchor


def test_self_contained(page: BeautifulSoup) -> None:
    assert page.find("script") is None
    assert page.find("link", rel="stylesheet") is None
    assert page.find("style") is not None
    for tag in page.find_all(src=True):
        assert not urlsplit(str(tag["src"])).scheme, tag
    assert page.find("html")["lang"] == "en"


def test_changelog(released: Released, page: BeautifulSoup) -> None:
    changes = vocabulary_docs.read_changes(ROOT / "ontology" / vocabulary_docs.CHANGES_FILE)
    assert changes, "ontology/CHANGES.md lists the versions"
    assert changes[0].version == read_release(released.folder)["vocabulary_version"]
    for change in changes:
        section = page.find("section", id=f"version-{change.version}")
        assert isinstance(section, Tag)
        items = [li.get_text(" ", strip=True) for li in section.find_all("li")]
        assert len(items) == len(change.items)


def docs_input(
    released: Released,
    vocabulary: Graph,
    previous: vocabulary_docs.PreviousVocabulary | None = None,
) -> vocabulary_docs.DocsInput:
    data = Graph()
    data += released.built.graph("code-lists")
    return vocabulary_docs.DocsInput(
        vocabulary=vocabulary,
        data=data,
        iris=released.built.iris,
        info=_info(),
        serialisations=[],
        shapes=[],
        dumps=[],
        catalog=[],
        previous=previous,
    )


def _info() -> ReleaseInfo:
    return ReleaseInfo(
        "9.9",
        "9.9",
        "1.0.0",
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 1, tzinfo=UTC),
        "https://example.org",
    )


def test_everything_is_escaped(released: Released) -> None:
    vocabulary = Graph()
    vocabulary += released.built.graph("vocabulary")
    cfu = released.built.iris.vocab
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    vocabulary.add((cfu.Commitment, SKOS.definition, Literal(hostile, lang="fr")))
    soup = BeautifulSoup(vocabulary_docs.render(docs_input(released, vocabulary)), "lxml")
    assert soup.find("script") is None and soup.find("img") is None
    section = soup.find("section", id="Commitment")
    shown = [
        p.get_text(" ", strip=True)
        for p in field(section, "Definition").find_all("p")
        if p.get("lang") == "fr"
    ]
    assert shown == [f"fr {hostile}"]


def test_changes_since_the_previous_version(released: Released) -> None:
    cfu = released.built.iris.vocab
    current = Graph()
    current += released.built.graph("vocabulary")
    older = Graph()
    older += current
    older.remove((cfu.acronym, None, None))  # added since
    gone = URIRef(str(cfu) + "retiredTerm")
    older.add((gone, RDFS.isDefinedBy, released.built.iris.ontology))  # removed since
    older.remove((cfu.score, RDFS.label, None))
    older.add((cfu.score, RDFS.label, Literal("rating", lang="en")))  # changed since
    soup = BeautifulSoup(
        vocabulary_docs.render(
            docs_input(released, current, vocabulary_docs.PreviousVocabulary("0.9.0", older))
        ),
        "lxml",
    )
    section = soup.find("section", id="changes-since-0.9.0")
    assert isinstance(section, Tag)
    assert [a.get_text(strip=True) for a in field(section, "Added").find_all("a")] == [
        "cfu:acronym"
    ]
    assert [c.get_text(strip=True) for c in field(section, "Removed").find_all("code")] == [
        "cfu:retiredTerm"
    ]
    changed = field(section, "Changed").find_all("li")
    assert [li.find("code").get_text(strip=True) for li in changed] == ["cfu:score"]
    assert "rdfs:label" in changed[0].get_text()
