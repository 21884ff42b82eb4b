"""Write a release folder atomically: every file built aside, then moved into place in one rename.

Last publishing step, after validation; the CLI's ``build`` calls :func:`write_release`. The
folders and file names are :mod:`lima_lod.layout`'s (``dist/releases/<version>/``,
``dist/latest -> releases/<version>``).

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

from . import catalog, context, csvw, dumps, vocabulary_docs
from .errors import ReleaseError, ValidationFailed
from .files import FileInfo, ReleaseInfo, fsync_dir, measure_file, write_file
from .formats import BY_NAME, of_file
from .graphs import Built
from .iris import CC_BY_4, DCTERMS, is_slug
from .layout import (
    CATALOG_FILE,
    CHECKSUMS,
    LATEST,
    RELEASE_JSON,
    SERVER_DUMP,
    SHAPES_FOLDER,
    SHAPES_STEM,
    VALIDATION_REPORT,
    VOCABULARY_FOLDER,
    VOID_FILE,
    in_folder,
    latest_link,
    latest_target,
    read_summary,
    release_folder,
    releases_folder,
    summaries,
    vocabulary_file,
    vocabulary_stem,
)
from .rdfio import new_dataset, new_graph
from .settings import Settings

METADATA_GRAPH = "metadata"
_BUILDING = re.compile(r"^\.(?P<version>.+)\.(building|replaced)-(?P<pid>\d+)-[0-9a-f]+$")


class Validation(Protocol):
    """What a release needs of a validation report (see :class:`lima_lod.validate.Report`)."""

    @property
    def conforms(self) -> bool: ...

    @property
    def graph(self) -> Graph: ...


def write_release(
    built: Built,
    report: Validation,
    settings: Settings,
    *,
    shapes: Graph,
    force: bool = False,
    now: datetime | None = None,
) -> Path:
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
        raise ReleaseError(
            f"data_version {version!r} cannot name a release folder; expected "
            "letters, digits, '.', '_', '-'"
        )
    releases = releases_folder(settings.dist)
    target = release_folder(settings.dist, version)
    if target.exists() and not force:
        raise ReleaseError(
            f"{target}: release {version} exists; bump data_version or pass --force to replace it"
        )
    _check_latest(latest_link(settings.dist))
    info = _info(built, settings, releases, now)
    try:
        releases.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReleaseError(
            f"{releases}: cannot create the releases folder ({exc.strerror})"
        ) from None
    remove_stale(releases)
    building = releases / f".{version}.building-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        building.mkdir()
        _write_files(building, built, report, shapes, info, settings.root)
        _fsync_tree(building)
        _move_into_place(building, target)
        _point_latest(settings.dist, version)
    except OSError as exc:
        raise ReleaseError(
            f"{exc.filename or target}: the release could not be written "
            f"({exc.strerror or exc}); the previous release is unchanged"
        ) from None
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return target


def _info(built: Built, settings: Settings, releases: Path, now: datetime | None) -> ReleaseInfo:
    vocabulary = built.graph("vocabulary")
    ontology = built.iris.ontology
    vocab_version = vocabulary.value(ontology, OWL.versionInfo)
    if vocab_version is None:
        raise ReleaseError(
            f"ontology/: <{ontology}> has no owl:versionInfo; expected the vocabulary's version"
        )
    version_iri = vocabulary.value(ontology, OWL.versionIRI)
    expected = built.iris.ontology_version(str(vocab_version))
    if version_iri != expected:
        raise ReleaseError(
            f"ontology/: owl:versionIRI is {version_iri}; expected <{expected}> "
            f"(version {vocab_version}), the file the server serves"
        )
    if now is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        now = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    now = now.astimezone(UTC).replace(microsecond=0)
    return ReleaseInfo(
        version=settings.data_version,
        data_version=settings.data_version,
        vocabulary_version=str(vocab_version),
        built=now,
        issued=min([now, *_earlier_builds(releases)]),
        public=settings.public,
    )


def _earlier_builds(releases: Path) -> list[datetime]:
    """When each release already in the folder was built (for ``dcterms:issued``)."""
    found = []
    for path in summaries(releases):
        try:
            found.append(datetime.fromisoformat(json.loads(path.read_text())["built"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # an unreadable old release does not stop a new one
    return found


def _write_files(
    folder: Path, built: Built, report: Validation, shapes: Graph, info: ReleaseInfo, root: Path
) -> None:
    iris = built.iris
    data = dumps.union_graph(built.dataset, iris)
    vocabulary = built.graph("vocabulary")
    publisher = vocabulary.value(iris.ontology, DCTERMS.publisher)
    written = csvw.write_tables(folder, data, iris, str(CC_BY_4), info.data_version)
    stem = vocabulary_stem(info.vocabulary_version)
    vocab_files = [
        in_folder(VOCABULARY_FOLDER, name)
        for name in dumps.write_graph(folder / VOCABULARY_FOLDER, stem, vocabulary, iris)
    ]
    shape_files = [
        in_folder(SHAPES_FOLDER, name)
        for name in dumps.write_graph(folder / SHAPES_FOLDER, SHAPES_STEM, shapes, iris)
    ]
    written += vocab_files + shape_files
    jsonld_context = context.build_context(vocabulary, iris)
    written.append(
        in_folder(
            VOCABULARY_FOLDER, context.write_context(folder / VOCABULARY_FOLDER, vocabulary, iris)
        )
    )
    written += context.write_report_views(folder, data, jsonld_context, iris)
    report_graph = new_graph(iris)
    report_graph += report.graph
    write_file(folder / VALIDATION_REPORT, dumps.serialise(report_graph, BY_NAME["turtle"], iris))
    written.append(VALIDATION_REPORT)
    written += vocabulary_docs.write_docs(
        folder,
        vocabulary_docs.DocsInput(
            vocabulary=vocabulary,
            data=data,
            iris=iris,
            info=info,
            serialisations=vocab_files,
            shapes=shape_files,
            dumps=dumps.dump_names(),
            catalog=[CATALOG_FILE, VOID_FILE],
            previous=_previous_vocabulary(folder.parent, info),
            changes=vocabulary_docs.read_changes(root / "ontology" / vocabulary_docs.CHANGES_FILE),
        ),
    )
    infos = [measure_file(folder, path) for path in written]

    # The dumps carry the metadata graph, which cannot hold the dumps' own checksums.
    who = publisher if isinstance(publisher, URIRef) else iris.organization("lima-lod")
    inside = catalog.catalog_graphs(
        iris, info, data, [*infos, *dumps.dump_names()], dumps.dump_names(), who
    )
    dataset = new_dataset(iris)
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
    infos += [measure_file(folder, path) for path in dump_files]

    final = catalog.catalog_graphs(iris, info, data, infos, dump_files, who)
    for name, graph in ((CATALOG_FILE, final.dcat), (VOID_FILE, final.void)):
        write_file(folder / name, dumps.serialise(graph, BY_NAME["turtle"], iris))
        infos.append(measure_file(folder, name))
    summary = _summary(info, built, report, dataset, union, data, infos)
    write_file(folder / RELEASE_JSON, json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    infos.append(measure_file(folder, RELEASE_JSON))
    write_file(
        folder / CHECKSUMS,
        "".join(f"{i.sha256}  {i.path}\n" for i in sorted(infos, key=lambda i: i.path)),
    )


def _summary(
    info: ReleaseInfo,
    built: Built,
    report: Validation,
    dataset: Dataset,
    union: Graph,
    data: Graph,
    infos: list[FileInfo],
) -> dict[str, object]:
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
        "graphs": {
            str(g.identifier): len(g)
            for g in sorted(dataset.graphs(), key=lambda g: str(g.identifier))
            if len(g)
        },
        "server_dump": SERVER_DUMP,
        "license": str(CC_BY_4),
        "validation": {
            "conforms": report.conforms,
            "file": VALIDATION_REPORT,
            **{
                severity.lower() + "s": sum(
                    1 for r in results if getattr(r, "severity", "") == severity
                )
                for severity in ("Violation", "Warning", "Info")
            },
        },
        "files": [
            {
                "path": i.path,
                "bytes": i.size,
                "sha256": i.sha256,
                "media_type": of_file(i.path)[0].media_type,
            }
            for i in sorted(infos, key=lambda i: i.path)
        ],
    }


def _previous_vocabulary(
    releases: Path, info: ReleaseInfo
) -> vocabulary_docs.PreviousVocabulary | None:
    """The vocabulary of the latest other release, to list what changed since."""
    candidates = []
    for path in summaries(releases):
        try:
            summary = json.loads(path.read_text())
            older = str(summary["vocabulary_version"])
            if older != info.vocabulary_version:
                candidates.append(
                    (str(summary["built"]), older, path.parent / str(summary["vocabulary_file"]))
                )
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
    return vocabulary_docs.PreviousVocabulary(older, graph)


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
    link = latest_link(dist)
    _check_latest(link)
    temporary = dist / f".{LATEST}-{os.getpid()}-{secrets.token_hex(4)}"
    os.symlink(latest_target(version), temporary)
    try:
        os.replace(temporary, link)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
    fsync_dir(dist)


def _check_latest(link: Path) -> None:
    if link.exists() and not link.is_symlink():
        raise ReleaseError(
            f"{link}: is not a symlink; move it away so latest can point to the newest release"
        )


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


#: Read a release's ``release.json`` as a JSON object (see :class:`lima_lod.layout.Release` for
#: the release as an object).
read_release = read_summary
