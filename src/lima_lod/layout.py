"""The release's layout, and one published release read from it: the only module that names a
release's folders and files.

``release.py`` writes this layout; the store, the web layer and whatever else serves a release
read it through :class:`Release`, loaded once from ``release.json``::

    <dist>/
      releases/<version>/                   one folder per release, side by side
        release.json                        the summary :class:`Release` is read from
        lima-lod.{ttl,nt,nt.gz,jsonld,rdf,trig,nq}   the dumps (the server loads the N-Quads)
        vocabulary/cfu-<vocabulary version>.{ttl,jsonld,rdf}, vocabulary/index.html
        shapes/lima-lod-shapes.{ttl,jsonld,rdf}
        validation-report.ttl, catalog.ttl, void.ttl, SHA256SUMS
        csv/, csv-metadata.json             the CSVW tables (named in ``csvw.py``)
        site/, site.json                    the pre-rendered documents and their manifest
                                            (``lima-lod build --prerender``; ``prerender.py``)
      latest -> releases/<version>          a link, or a file naming the version
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import ReleaseError
from .formats import BY_NAME, Format

RELEASES = "releases"
LATEST = "latest"
RELEASE_JSON = "release.json"
#: The stem of every dump file: ``lima-lod.ttl``, ``lima-lod.nq``...
DUMP_STEM = "lima-lod"
#: The dump the SPARQL server loads (``release.json`` names it as ``server_dump``).
SERVER_DUMP = f"{DUMP_STEM}{BY_NAME['nquads'].suffix}"
VOCABULARY_FOLDER = "vocabulary"
VOCABULARY_STEM = "cfu"
#: The vocabulary's HTML documentation.
VOCABULARY_DOCS = f"{VOCABULARY_FOLDER}/index.html"
SHAPES_FOLDER = "shapes"
SHAPES_STEM = "lima-lod-shapes"
VALIDATION_REPORT = "validation-report.ttl"
CATALOG_FILE = "catalog.ttl"
VOID_FILE = "void.ttl"
CHECKSUMS = "SHA256SUMS"
#: The vocabulary's JSON-LD context, in the vocabulary folder.
CONTEXT_FILE = "context.jsonld"
#: The folder of the framed JSON views of the reports (``reports/<key>.jsonld``).
REPORTS_FOLDER = "reports"
#: The pre-rendered documents of a release, laid out as the URL paths they answer, and the
#: manifest that lists them (outside the folder, so a copy of the folder is the site as served).
SITE_FOLDER = "site"
SITE_MANIFEST = "site.json"
#: The home page of a site written as files (what a static server answers for ``/``).
HOME_PAGE = "index.html"
#: Where ``lima-lod static`` writes the web server rules, inside the site it writes.
SERVER_RULES_FOLDER = "_server"
NGINX_HTTP = "nginx-http.conf"
NGINX_SERVER = "nginx-server.conf"
HTACCESS = ".htaccess"


def dump_file(fmt: Format, compression: Format | None = None) -> str:
    """The dump of the whole dataset in one format (optionally compressed)."""
    return DUMP_STEM + fmt.suffix + (compression.suffix if compression else "")


def vocabulary_stem(version: str) -> str:
    """The vocabulary files' name without suffix: ``cfu-<version>``."""
    return f"{VOCABULARY_STEM}-{version}"


def vocabulary_file(version: str, fmt: Format = BY_NAME["turtle"]) -> str:
    """The versioned vocabulary file that ``owl:versionIRI`` names (Turtle unless told)."""
    return f"{VOCABULARY_FOLDER}/{vocabulary_stem(version)}{fmt.suffix}"


def shapes_file(fmt: Format = BY_NAME["turtle"]) -> str:
    """The shapes the release was validated with, in one format."""
    return f"{SHAPES_FOLDER}/{SHAPES_STEM}{fmt.suffix}"


def in_folder(folder: str, name: str) -> str:
    """A file of one of the release's sub-folders (``vocabulary``, ``shapes``)."""
    return f"{folder}/{name}"


def part_of(path: str) -> str:
    """What a release file belongs to: ``vocabulary``, ``shapes``, ``validation`` or ``data``."""
    top = path.split("/", 1)[0]
    if top in (VOCABULARY_FOLDER, SHAPES_FOLDER):
        return top
    if path == VALIDATION_REPORT:
        return "validation"
    return "data"


def releases_folder(dist: Path) -> Path:
    """Where the releases of a ``dist`` folder are."""
    return dist / RELEASES


def release_folder(dist: Path, version: str) -> Path:
    """The folder of one release."""
    return dist / RELEASES / version


def latest_link(dist: Path) -> Path:
    """``<dist>/latest``: which release is served."""
    return dist / LATEST


def latest_target(version: str) -> Path:
    """What ``latest`` links to (relative, so the ``dist`` folder can move)."""
    return Path(RELEASES) / version


def site_folder(release: Path) -> Path:
    """The pre-rendered documents of the release in a folder."""
    return release / SITE_FOLDER


def site_manifest(release: Path) -> Path:
    """The manifest of a release's pre-rendered documents."""
    return release / SITE_MANIFEST


def site_release_path(version: str) -> str:
    """Where a static site holds a release's files: the path the server serves them at."""
    return f"{RELEASES}/{version}"


def summaries(releases: Path) -> list[Path]:
    """The ``release.json`` of every release in a releases folder."""
    return sorted(releases.glob(f"*/{RELEASE_JSON}"))


def read_summary(folder: Path) -> dict[str, Any]:
    """Read a release's ``release.json``, as the JSON object it is."""
    file = folder / RELEASE_JSON
    try:
        summary = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReleaseError(f"{file}: no release here; run 'lima-lod build' first") from None
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"{file}: cannot read the release ({exc})") from None
    if not isinstance(summary, dict):
        raise ReleaseError(f"{file}: expected a JSON object")
    return summary


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a release as ``release.json`` lists it."""

    path: str
    media_type: str
    size: int | None = None
    sha256: str | None = None


@dataclass(frozen=True, eq=False)
class Release:
    """One published release, read once from its ``release.json``.

    Only ``version`` and ``built`` are required; a field the summary lacks is empty.
    """

    path: Path
    version: str
    built: datetime
    issued: datetime | None = None
    vocabulary_version: str | None = None
    vocabulary_path: str | None = None
    base: str | None = None
    server_dump: str = SERVER_DUMP
    files: tuple[ReleaseFile, ...] = ()
    graphs: dict[str, int] = field(default_factory=dict)
    triples: int | None = None
    validation: dict[str, Any] = field(default_factory=dict)
    #: The whole summary, for pages that show it.
    summary: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Release:
        """Read the release in a folder; ReleaseError if it has no usable summary or dump."""
        summary = read_summary(folder)
        file = folder / RELEASE_JSON
        try:
            built = _datetime(summary["built"])
            version = str(summary["version"])
            issued = _datetime(summary["issued"]) if "issued" in summary else None
            files = tuple(
                ReleaseFile(
                    str(f["path"]), str(f.get("media_type", "")), f.get("bytes"), f.get("sha256")
                )
                for f in summary.get("files", [])
            )
            graphs = {str(g): int(n) for g, n in dict(summary.get("graphs", {})).items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ReleaseError(
                f"{file}: 'version' and 'built' (ISO datetime) needed: {exc}"
            ) from None
        vocabulary_version = summary.get("vocabulary_version")
        vocabulary_path = summary.get("vocabulary_file")
        release = cls(
            path=folder.resolve(),
            version=version,
            built=built,
            issued=issued,
            vocabulary_version=None if vocabulary_version is None else str(vocabulary_version),
            vocabulary_path=None if vocabulary_path is None else str(vocabulary_path),
            base=None if summary.get("base") is None else str(summary["base"]),
            server_dump=str(summary.get("server_dump") or SERVER_DUMP),
            files=files,
            graphs=graphs,
            triples=summary.get("triples"),
            validation=dict(summary.get("validation") or {}),
            summary=summary,
        )
        if not release.nquads.exists():
            raise ReleaseError(f"{folder / release.server_dump}: the release has no N-Quads dump")
        return release

    @property
    def nquads(self) -> Path:
        """The dump the server loads: the whole dataset as N-Quads (plain or gzipped)."""
        plain = self.path / self.server_dump
        return plain if plain.exists() else self.path / f"{self.server_dump}.gz"

    @property
    def fingerprint(self) -> str:
        """Changes whenever the release's data changes, even under the same version."""
        stat = self.nquads.stat()
        seed = f"{self.version}|{self.built.isoformat()}|{stat.st_size}|{stat.st_mtime_ns}"
        return hashlib.sha256(seed.encode()).hexdigest()[:16]

    def file(self, relative: str) -> Path | None:
        """A file of the release by its relative path; None if absent or outside the folder."""
        target = (self.path / relative).resolve()
        if not target.is_relative_to(self.path) or not target.is_file():
            return None
        return target

    def vocabulary_file(self, fmt: Format = BY_NAME["turtle"]) -> Path | None:
        """The release's vocabulary in one format (HTML: its documentation); None if absent."""
        if self.vocabulary_version is None:
            return None
        if fmt.name == "html":
            return self.file(VOCABULARY_DOCS)
        return self.file(vocabulary_file(self.vocabulary_version, fmt))

    def shapes_file(self, fmt: Format = BY_NAME["turtle"]) -> Path | None:
        """The release's shapes in one format; None if absent."""
        return self.file(shapes_file(fmt))


def find_release(dist: Path) -> Release:
    """Read the served release: ``<dist>/latest`` (a link, or a file naming the version)."""
    latest = latest_link(dist)
    folder = (
        release_folder(dist, latest.read_text(encoding="utf-8").strip())
        if latest.is_file()
        else latest
    )
    return Release.read(folder)


def file_in(dist: Path, version: str, relative: str) -> Path | None:
    """A file of any published release by version and path; None if absent or outside it."""
    root = releases_folder(dist).resolve()
    target = (root / version / relative).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


def _datetime(value: object) -> datetime:
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
