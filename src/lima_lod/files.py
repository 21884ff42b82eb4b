"""Write the files of a release durably, and measure them: size and SHA-256 checksum.

Used by the publishing stage (:mod:`lima_lod.dumps`, :mod:`lima_lod.csvw`, :mod:`lima_lod.vocabulary_docs`,
:mod:`lima_lod.catalog`, :mod:`lima_lod.release`); imports nothing of lima-lod.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class FileInfo:
    """One written file of a release: its path relative to the release folder, size, checksum."""

    path: str
    size: int
    sha256: str


def write_file(path: Path, data: bytes | str) -> None:
    """Write a file and flush it to disk, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with open(path, "wb") as out:
        out.write(payload)
        out.flush()
        os.fsync(out.fileno())


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (new names, renames) to disk."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def measure_file(folder: Path, relative: str) -> FileInfo:
    """Measure one file of a release folder: size in bytes and SHA-256 of its content."""
    digest = hashlib.sha256()
    path = folder / relative
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return FileInfo(relative, path.stat().st_size, digest.hexdigest())


def relative_files(folder: Path) -> list[str]:
    """Every file under a folder, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@dataclass(frozen=True)
class ReleaseInfo:
    """What every file of one release says about it: versions, dates, where it is published."""

    version: str  # the release, also its folder name: dist/releases/<version>/
    data_version: str
    vocabulary_version: str
    built: datetime  # when this release was built (UTC)
    issued: datetime  # when the first release was built (UTC)
    public: str  # the public URL of the server, without a trailing slash
