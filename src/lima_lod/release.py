"""Write a release folder atomically: every file built aside, then moved into place in one rename.

Last publishing step, after validation; the CLI's ``build`` calls :func:`write_release`. Layout::

    dist/releases/<version>/   one folder per release, side by side
    dist/latest -> releases/<version>

A release is written into a hidden sibling folder (``releases/.<version>.building-<pid>-<n>``),
each file fsynced, then renamed to ``releases/<version>``; ``latest`` is swapped by renaming a
new symlink over it. A build that fails or is killed leaves the previous release and ``latest``
as they were; the next build removes the half-written folder of a dead build.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL

from . import catalog, context, csvw, docs, dumps
from .errors import ReleaseError, ValidationFailed
from .files import FileInfo, ReleaseInfo, describe, fsync_dir, write_file
from .formats import BY_NAME, of_file
from .graphs import Built
from .iris import CC_BY_4, DCTERMS, SH, is_slug
from .settings import Settings

RELEASES = "releases"
LATEST = "latest"
VOCABULARY_FOLDER = "vocabulary"
SHAPES_FOLDER = "shapes"
SHAPES_STEM = "lima-lod-shapes"
VALIDATION_REPORT = "validation-report.ttl"
CATALOG_FILE = "catalog.ttl"
VOID_FILE = "void.ttl"
RELEASE_JSON = "release.json"
CHECKSUMS = "SHA256SUMS"
METADATA_GRAPH = "metadata"
_BUILDING = re.compile(r"^\.(?P<version>.+)\.(building|replaced)-(?P<pid>\d+)-[0-9a-f]+$")


class Validation(Protocol):
    """What a release needs of a validation report (see :class:`lima_lod.validate.Report`)."""

    @property
    def conforms(self) -> bool: ...

    @property
    def graph(self) -> Graph: ...


def vocabulary_file(version: str) -> str:
    """The versioned vocabulary file (Turtle) that ``owl:versionIRI`` names, in a release."""
    return f"{VOCABULARY_FOLDER}/cfu-{version}{BY_NAME['turtle'].suffix}"


def write_release(built: Built, report: Validation, settings: Settings, *, shapes: Graph,
                  force: bool = False, now: datetime | None = None) -> Path:
    """Write a release of the built, validated dataset; return its folder.

    Args:
        built: the built dataset (its named graphs and IRI minter).
        report: the validation report of ``built``; a report with violations writes nothing.
        settings: where the releases go (``dist``), the data version, the public URL.
        shapes: the shapes graph ``built`` was validated with, shipped in the release.
        force: replace an existing release of the same version.
        now: the build time (default: ``SOURCE_DATE_EPOCH`` if set, else the clock).
    """
    if not report.conforms:
        text = report.text() if hasattr(report, "text") else "the data has SHACL violations"
        raise ValidationFailed(text)
    version = settings.data_version
    if not is_slug(version):
        raise ReleaseError(f"data_version {version!r} cannot name a release folder; expected "
                           "letters, digits, '.', '_', '-'")
    releases = settings.dist / RELEASES
    target = releases / version
    if target.exists() and not force:
        raise ReleaseError(f"{target}: release {version} exists; bump data_version or pass "
                           "--force to replace it")
    _check_latest(settings.dist / LATEST)
    info = _info(built, settings, releases, now)
    try:
        releases.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReleaseError(f"{releases}: cannot create the releases folder "
                           f"({exc.strerror})") from None
    remove_stale(releases)
    building = releases / f".{version}.building-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        building.mkdir()
        _write_files(building, built, report, shapes, info, settings.root)
        _fsync_tree(building)
        _move_into_place(building, target)
        _point_latest(settings.dist, version)
    except OSError as exc:
        raise ReleaseError(f"{exc.filename or target}: the release could not be written "
                           f"({exc.strerror or exc}); the previous release is unchanged") from None
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return target


def _info(built: Built, settings: Settings, releases: Path, now: datetime | None) -> ReleaseInfo:
    vocabulary = built.graph("vocabulary")
    ontology = built.iris.ontology
    vocab_version = vocabulary.value(ontology, OWL.versionInfo)
    if vocab_version is None:
        raise ReleaseError(f"ontology/: <{ontology}> has no owl:versionInfo; expected the "
                           "vocabulary's version")
    version_iri = vocabulary.value(ontology, OWL.versionIRI)
    expected = built.iris.ontology_version(str(vocab_version))
    if version_iri != expected:
        raise ReleaseError(f"ontology/: owl:versionIRI is {version_iri}; expected <{expected}> "
                           f"(version {vocab_version}), the file the server serves")
    if now is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        now = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    now = now.astimezone(UTC).replace(microsecond=0)
    return ReleaseInfo(version=settings.data_version, data_version=settings.data_version,
                       vocabulary_version=str(vocab_version), built=now,
                       issued=min([now, *_earlier_builds(releases)]), public=settings.public)


def _earlier_builds(releases: Path) -> list[datetime]:
    """When each release already in the folder was built (for ``dcterms:issued``)."""
    found = []
    for path in releases.glob(f"*/{RELEASE_JSON}"):
        try:
            found.append(datetime.fromisoformat(json.loads(path.read_text())["built"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # an unreadable old release does not stop a new one
    return found


def _write_files(folder: Path, built: Built, report: Validation, shapes: Graph,
                 info: ReleaseInfo, root: Path) -> None:
    iris = built.iris
    data = dumps.union_graph(built.dataset, iris)
    vocabulary = built.graph("vocabulary")
    publisher = vocabulary.value(iris.ontology, DCTERMS.publisher)
    written = csvw.write_tables(folder, data, iris, str(CC_BY_4), info.data_version)
    stem = Path(vocabulary_file(info.vocabulary_version)).stem
    vocab_files = [f"{VOCABULARY_FOLDER}/{name}" for name in
                   dumps.write_graph(folder / VOCABULARY_FOLDER, stem, vocabulary, iris)]
    shape_files = [f"{SHAPES_FOLDER}/{name}" for name in
                   dumps.write_graph(folder / SHAPES_FOLDER, SHAPES_STEM, shapes, iris)]
    written += vocab_files + shape_files
    jsonld_context = context.build_context(vocabulary, iris)
    written.append(f"{VOCABULARY_FOLDER}/"
                   + context.write_context(folder / VOCABULARY_FOLDER, vocabulary, iris))
    written += context.write_report_views(folder, data, jsonld_context, iris)
    report_graph = dumps.new_graph(iris)
    report_graph.bind("sh", SH)
    report_graph += report.graph
    write_file(folder / VALIDATION_REPORT,
               dumps.serialise(report_graph, BY_NAME["turtle"], iris))
    written.append(VALIDATION_REPORT)
    written += docs.write_docs(folder, docs.DocsInput(
        vocabulary=vocabulary, data=data, iris=iris, info=info,
        serialisations=vocab_files, shapes=shape_files, dumps=dumps.dump_names(),
        catalog=[CATALOG_FILE, VOID_FILE], previous=_previous_vocabulary(folder.parent, info),
        changes=docs.read_changes(root / "ontology" / docs.CHANGES_FILE)))
    infos = [describe(folder, path) for path in written]

    # The dumps carry the metadata graph, which cannot hold the dumps' own checksums.
    who = publisher if isinstance(publisher, URIRef) else iris.organization("lima-lod")
    inside = catalog.describe_release(iris, info, data, [*infos, *dumps.dump_names()],
                                      dumps.dump_names(), who)
    dataset = dumps.new_dataset(iris)
    for graph in built.dataset.graphs():
        if len(graph):
            dataset.graph(graph.identifier).__iadd__(graph)
    # What a data graph already states is not repeated here: engines that take the default graph
    # as the union of the named graphs (pyoxigraph) would count such a triple twice.
    metadata = dataset.graph(iris.graph(METADATA_GRAPH))
    for s, p, o in inside.union():
        if next(dataset.quads((s, p, o, None)), None) is None:
            metadata.add((s, p, o))
    union = dumps.union_graph(dataset, iris)
    dump_files = dumps.write_dumps(folder, dataset, iris, union, jsonld_context)
    infos += [describe(folder, path) for path in dump_files]

    final = catalog.describe_release(iris, info, data, infos, dump_files, who)
    for name, graph in ((CATALOG_FILE, final.dcat), (VOID_FILE, final.void)):
        write_file(folder / name, dumps.serialise(graph, BY_NAME["turtle"], iris))
        infos.append(describe(folder, name))
    summary = _summary(info, built, report, dataset, union, data, infos)
    write_file(folder / RELEASE_JSON, json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    infos.append(describe(folder, RELEASE_JSON))
    write_file(folder / CHECKSUMS, "".join(f"{i.sha256}  {i.path}\n"
                                           for i in sorted(infos, key=lambda i: i.path)))


def _summary(info: ReleaseInfo, built: Built, report: Validation, dataset: Dataset, union: Graph,
             data: Graph, infos: list[FileInfo]) -> dict[str, object]:
    iris = built.iris
    results = list(getattr(report, "results", []))
    return {
        "version": info.version,
        "data_version": info.data_version,
        "vocabulary_version": info.vocabulary_version,
        "vocabulary_version_iri": str(iris.ontology_version(info.vocabulary_version)),
        "vocabulary_file": vocabulary_file(info.vocabulary_version),
        "built": info.built.isoformat(),
        "issued": info.issued.isoformat(),
        "base": iris.base,
        "triples": len(union),
        "data_triples": len(data),
        "quads": sum(len(g) for g in dataset.graphs()),
        "graphs": {str(g.identifier): len(g) for g in sorted(
            dataset.graphs(), key=lambda g: str(g.identifier)) if len(g)},
        "server_dump": dumps.SERVER_DUMP,
        "license": str(CC_BY_4),
        "validation": {"conforms": report.conforms, "file": VALIDATION_REPORT,
                       **{severity.lower() + "s": sum(1 for r in results
                                                      if getattr(r, "severity", "") == severity)
                          for severity in ("Violation", "Warning", "Info")}},
        "files": [{"path": i.path, "bytes": i.size, "sha256": i.sha256,
                   "media_type": of_file(i.path)[0].media_type}
                  for i in sorted(infos, key=lambda i: i.path)],
    }


def _previous_vocabulary(releases: Path, info: ReleaseInfo) -> docs.PreviousVocabulary | None:
    """The vocabulary of the latest other release, to list what changed since."""
    candidates = []
    for path in releases.glob(f"*/{RELEASE_JSON}"):
        try:
            summary = json.loads(path.read_text())
            older = str(summary["vocabulary_version"])
            if older != info.vocabulary_version:
                candidates.append((str(summary["built"]), older,
                                   path.parent / str(summary["vocabulary_file"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    if not candidates:
        return None
    _, older, file = max(candidates)
    graph = Graph()
    try:
        graph.parse(file, format="turtle")
    except (OSError, ValueError, SyntaxError):  # costs only the automatic changelog
        return None
    return docs.PreviousVocabulary(older, graph)


def _fsync_tree(folder: Path) -> None:
    for path in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        fsync_dir(path)
    fsync_dir(folder)


def _move_into_place(building: Path, target: Path) -> None:
    """Rename the finished folder to its version; a replaced release is removed only after.

    Replacing swaps the two folders in one step where the kernel can (``renameat2`` with
    ``RENAME_EXCHANGE``), so ``latest`` never points at a missing folder; elsewhere it takes two
    renames, and a build killed between them is undone by the next one (:func:`remove_stale`).
    """
    if not target.exists():
        os.rename(building, target)
    elif _exchange(building, target):
        shutil.rmtree(building, ignore_errors=True)  # now holds the replaced release
    else:
        replaced = building.with_name(building.name.replace(".building-", ".replaced-"))
        os.rename(target, replaced)
        try:
            os.rename(building, target)
        except OSError:
            os.rename(replaced, target)
            raise
        shutil.rmtree(replaced, ignore_errors=True)
    fsync_dir(target.parent)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), str(b))


def _point_latest(dist: Path, version: str) -> None:
    """Swap ``dist/latest`` to the new release in one rename."""
    link = dist / LATEST
    _check_latest(link)
    temporary = dist / f".{LATEST}-{os.getpid()}-{secrets.token_hex(4)}"
    os.symlink(Path(RELEASES) / version, temporary)
    try:
        os.replace(temporary, link)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
    fsync_dir(dist)


def _check_latest(link: Path) -> None:
    if link.exists() and not link.is_symlink():
        raise ReleaseError(f"{link}: is not a symlink; move it away so latest can point to "
                           "the newest release")


def remove_stale(releases: Path) -> list[Path]:
    """Remove the half-written folders of builds that died (their process is gone)."""
    removed = []
    for path in releases.iterdir() if releases.exists() else ():
        match = _BUILDING.match(path.name)
        if match and not _alive(int(match["pid"])):
            if match.group(2) == "replaced" and not (releases / match["version"]).exists():
                os.rename(path, releases / match["version"])  # a swap died half-way: undo it
            else:
                shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    for path in releases.parent.glob(f".{LATEST}-*"):
        pid = path.name.split("-")[1]
        if path.is_symlink() and pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_release(folder: Path) -> dict[str, object]:
    """Read a release's ``release.json``."""
    try:
        summary = json.loads((folder / RELEASE_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"{folder / RELEASE_JSON}: cannot read the release ({exc})") from None
    if not isinstance(summary, dict):
        raise ReleaseError(f"{folder / RELEASE_JSON}: expected a JSON object")
    return summary

