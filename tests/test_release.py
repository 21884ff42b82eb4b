"""The release folder: its layout and release.json, versions side by side with ``latest``, and
atomic writing: a refused, failed, interrupted or killed build leaves the previous release and
``latest`` as they were."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from rdflib import OWL, Graph, Literal, URIRef
from releasekit import ROOT, Released, StandIn, release, settings_for

from lima_lod import dumps as dumps_module
from lima_lod.errors import ReleaseError, ValidationFailed
from lima_lod.files import relative_files
from lima_lod.iris import SH
from lima_lod.layout import LATEST, RELEASES, vocabulary_file
from lima_lod.release import read_release, write_release


@pytest.fixture(scope="module")
def released() -> Released:
    return release()


def snapshot(dist: Path) -> dict[str, str]:
    """Every file under dist (links named by their target), with a hash of its content."""
    found = {}
    for path in sorted(dist.rglob("*")):
        key = path.relative_to(dist).as_posix()
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_file():
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def dist_copy(released: Released, tmp_path: Path) -> Path:
    """A copy of the shared release's dist/ that a test may change."""
    dist = tmp_path / "dist"
    shutil.copytree(released.dist, dist, symlinks=True)
    return dist


def test_release_folder_layout(released: Released) -> None:
    folder = released.folder
    assert folder == released.dist / RELEASES / released.settings.data_version
    latest = released.dist / LATEST
    assert latest.is_symlink() and latest.resolve() == folder.resolve()
    files = set(relative_files(folder))
    expected = {
        "lima-lod.ttl",
        "lima-lod.nt",
        "lima-lod.nt.gz",
        "lima-lod.jsonld",
        "lima-lod.rdf",
        "lima-lod.trig",
        "lima-lod.nq",
        "catalog.ttl",
        "void.ttl",
        "release.json",
        "SHA256SUMS",
        "validation-report.ttl",
        "vocabulary/index.html",
        "csv/csv-metadata.json",
        "csv/ratings-long.csv",
        "csv/ratings-wide.csv",
        "csv/commitments.csv",
        "csv/organizations.csv",
        "csv/institutions.csv",
        "csv/calls-to-action.csv",
        "csv/references.csv",
    }
    assert expected <= files
    for suffix in (".ttl", ".jsonld", ".rdf"):
        assert any(f.startswith("vocabulary/cfu-") and f.endswith(suffix) for f in files)
        assert any(f.startswith("shapes/") and f.endswith(suffix) for f in files)
    # nothing half-written is left beside the release
    assert [p.name for p in (released.dist / RELEASES).iterdir()] == [folder.name]


def test_release_json(released: Released) -> None:
    summary = read_release(released.folder)
    assert summary["version"] == summary["data_version"] == released.settings.data_version
    vocabulary = released.built.graph("vocabulary")
    assert summary["vocabulary_version"] == str(
        vocabulary.value(released.built.iris.ontology, OWL.versionInfo)
    )
    assert datetime.fromisoformat(str(summary["built"])).tzinfo is not None
    triples = (released.folder / "lima-lod.nt").read_text(encoding="utf-8").splitlines()
    assert summary["triples"] == len(triples)
    assert summary["quads"] == len((released.folder / "lima-lod.nq").read_text().splitlines())
    assert summary["server_dump"] == "lima-lod.nq"
    listed = {f["path"]: f for f in summary["files"]}  # type: ignore[union-attr]
    assert set(listed) == set(relative_files(released.folder)) - {"release.json", "SHA256SUMS"}
    for path, entry in listed.items():
        data = (released.folder / path).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_vocabulary_file_is_named_by_its_version_iri(released: Released) -> None:
    summary = read_release(released.folder)
    path = released.folder / vocabulary_file(str(summary["vocabulary_version"]))
    graph = Graph().parse(path, format="turtle")
    iris = released.built.iris
    version_iri = graph.value(iris.ontology, OWL.versionIRI)
    assert str(version_iri) == summary["vocabulary_version_iri"]
    assert version_iri == iris.ontology_version(str(summary["vocabulary_version"]))
    assert path.name == f"cfu-{str(version_iri).rsplit('/', 1)[-1]}.ttl"


def test_validation_report_is_rdf(released: Released) -> None:
    graph = Graph().parse(released.folder / "validation-report.ttl", format="turtle")
    reports = list(graph.subjects(SH.conforms, None))
    assert len(reports) == 1
    assert graph.value(reports[0], SH.conforms) == Literal(True)


def test_refuses_to_replace_a_release_unless_forced(released: Released, dist_copy: Path) -> None:
    settings = settings_for(dist_copy)
    before = snapshot(dist_copy)
    with pytest.raises(ReleaseError, match="exists"):
        write_release(released.built, StandIn(), settings, shapes=released.shapes)
    assert snapshot(dist_copy) == before
    folder = write_release(released.built, StandIn(), settings, force=True, shapes=released.shapes)
    assert (dist_copy / LATEST).resolve() == folder.resolve()
    assert [p.name for p in (dist_copy / RELEASES).iterdir()] == [folder.name]
    assert read_release(folder)["built"] >= read_release(released.folder)["built"]


def test_versions_sit_side_by_side(released: Released, dist_copy: Path) -> None:
    first = read_release(dist_copy / RELEASES / released.settings.data_version)
    settings = settings_for(dist_copy, data_version="2099.1")
    folder = write_release(released.built, StandIn(), settings, shapes=released.shapes)
    assert sorted(p.name for p in (dist_copy / RELEASES).iterdir()) == sorted(
        [released.settings.data_version, "2099.1"]
    )
    assert os.readlink(dist_copy / LATEST) == f"{RELEASES}/2099.1"
    second = read_release(folder)
    assert second["version"] == "2099.1"
    assert second["issued"] == first["issued"]  # first published with the first release
    # the older release is untouched
    assert read_release(dist_copy / RELEASES / released.settings.data_version) == first


def test_a_report_with_violations_writes_nothing(released: Released, dist_copy: Path) -> None:
    before = snapshot(dist_copy)
    with pytest.raises(ValidationFailed):
        write_release(
            released.built,
            StandIn(conforms=False),
            settings_for(dist_copy),
            force=True,
            shapes=released.shapes,
        )
    assert snapshot(dist_copy) == before


def test_a_failure_midway_leaves_the_previous_release(
    released: Released, dist_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(dist_copy)

    def disk_full(*args: object, **kwargs: object) -> list[str]:
        raise OSError(28, "No space left on device", "lima-lod.nq")

    monkeypatch.setattr(dumps_module, "write_dumps", disk_full)
    with pytest.raises(ReleaseError, match="previous release is unchanged"):
        write_release(
            released.built, StandIn(), settings_for(dist_copy), force=True, shapes=released.shapes
        )
    assert snapshot(dist_copy) == before


def test_bad_data_writes_nothing(project: Path, tmp_path: Path) -> None:
    from lima_lod.cli import main

    ratings = project / "data" / "reports" / "mx-2021" / "ratings.yaml"
    text = ratings.read_text(encoding="utf-8")
    broken = text.replace("relevance: ", "relevance: '1,5' #", 1)
    assert broken != text
    ratings.write_text(broken, encoding="utf-8")
    dist = tmp_path / "dist"
    code = main(["build", "--root", str(project), "--dist", str(dist)])
    assert code == 2  # DataError
    assert not dist.exists() or snapshot(dist) == {}


# The script a killed build runs: build the project, then release it; the catalogue step (after
# the tables, vocabulary, shapes and documentation are written) announces itself and stalls.
KILLED_BUILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from releasekit import StandIn, settings_for
from lima_lod import catalog, release
from lima_lod.build import build
from lima_lod.iris import Iris
from rdflib import Graph

def stall(*args, **kwargs):
    Path({marker!r}).write_text("writing")
    time.sleep(120)

catalog.catalog_graphs = stall
built = build(Path({root!r}), Iris())
release.write_release(built, StandIn(), settings_for(Path({dist!r})), force=True, shapes=Graph())
"""


def test_a_killed_build_leaves_the_previous_release(
    released: Released, dist_copy: Path, tmp_path: Path
) -> None:
    before = snapshot(dist_copy)
    marker = tmp_path / "midway"
    script = KILLED_BUILD.format(
        tests=str(Path(__file__).parent), marker=str(marker), root=str(ROOT), dist=str(dist_copy)
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            if child.poll() is not None:
                pytest.fail(
                    "the build ended before it was killed:\n" + child.stderr.read().decode()
                )  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                pytest.fail("the build never reached the catalogue step")
            time.sleep(0.05)
        building = [p for p in (dist_copy / RELEASES).iterdir() if p.name.startswith(".")]
        assert len(building) == 1 and relative_files(building[0])  # it was half-way
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdout.close()  # type: ignore[union-attr]
        child.stderr.close()  # type: ignore[union-attr]
    after = snapshot(dist_copy)
    assert {k: v for k, v in after.items() if not k.startswith(f"{RELEASES}/.")} == before
    assert os.readlink(dist_copy / LATEST) == os.readlink(released.dist / LATEST)
    # the next build clears the dead build's half-written folder
    write_release(
        released.built,
        StandIn(),
        settings_for(dist_copy, data_version="2099.2"),
        shapes=released.shapes,
    )
    assert sorted(p.name for p in (dist_copy / RELEASES).iterdir()) == sorted(
        [released.settings.data_version, "2099.2"]
    )


def test_latest_must_be_a_link(released: Released, dist_copy: Path) -> None:
    (dist_copy / LATEST).unlink()
    (dist_copy / LATEST).mkdir()
    with pytest.raises(ReleaseError, match="not a symlink"):
        write_release(
            released.built,
            StandIn(),
            settings_for(dist_copy, data_version="2099.3"),
            shapes=released.shapes,
        )
    assert not (dist_copy / RELEASES / "2099.3").exists()


def test_release_json_is_json(released: Released) -> None:
    summary = json.loads((released.folder / "release.json").read_text(encoding="utf-8"))
    for key in ("version", "data_version", "vocabulary_version", "built", "triples", "files"):
        assert key in summary


def test_a_release_under_another_base(released: Released, tmp_path: Path) -> None:
    from lima_lod.build import build

    base = "https://data.example.org/cco/"
    settings = settings_for(tmp_path / "dist", base=base)
    built = build(ROOT, settings.iris)
    folder = write_release(built, StandIn(), settings, shapes=Graph())
    graph = Graph().parse(folder / "lima-lod.nt", format="nt")
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    assert not [i for i in iris if i.startswith("https://w3id.org/lima-lod/")]
    assert (URIRef(f"{base}id/catalog/lima-lod"), None, None) in graph
    summary = read_release(folder)
    assert summary["vocabulary_version_iri"] == f"{base}def/cfu/{summary['vocabulary_version']}"
    metadata = json.loads((folder / "csv" / "csv-metadata.json").read_text(encoding="utf-8"))
    assert all(t["tableSchema"].get("aboutUrl", base).startswith(base) for t in metadata["tables"])
