"""The one table of settings: name, type, default, environment variable and help text.

The CLI builds its options from this table and ``tests/test_docs.py`` checks each one is in the
README, so a setting cannot go undocumented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .iris import DEFAULT_BASE, Iris

#: The values of ``endpoint_dataset``, the safe one first.
ENDPOINT_DATASETS = ("explicit", "union")


def _meta(help_text: str, env: str) -> dict[str, str]:
    return {"help": help_text, "env": env}


@dataclass(frozen=True)
class Settings:
    """Every setting of lima-lod; build one with :func:`load_settings`."""

    root: Path = field(
        default=Path("."),
        metadata=_meta(
            "Project root holding ontology/, shapes/, data/ and queries/.", "LIMA_LOD_ROOT"
        ),
    )
    base: str = field(
        default=DEFAULT_BASE,
        metadata=_meta(
            "Base IRI every resource and the vocabulary are minted under.", "LIMA_LOD_BASE"
        ),
    )
    dist: Path = field(
        default=Path("dist"),
        metadata=_meta(
            "Folder that holds the releases (releases/<version>/ and latest).", "LIMA_LOD_DIST"
        ),
    )
    data_version: str = field(
        default="2021.1", metadata=_meta("Version of the data release.", "LIMA_LOD_DATA_VERSION")
    )
    host: str = field(
        default="127.0.0.1", metadata=_meta("Address the server binds to.", "LIMA_LOD_HOST")
    )
    port: int = field(default=8000, metadata=_meta("Port the server listens on.", "LIMA_LOD_PORT"))
    http_parser: str = field(
        default="httptools",
        metadata=_meta(
            "HTTP/1.1 parser of the server: httptools (faster) or h11 (pure Python).",
            "LIMA_LOD_HTTP_PARSER",
        ),
    )
    public_url: str = field(
        default="",
        metadata=_meta(
            "Public URL of the server (sd:endpoint, links); defaults to http://host:port.",
            "LIMA_LOD_PUBLIC_URL",
        ),
    )
    endpoint: str = field(
        default="",
        metadata=_meta(
            "URL of an existing SPARQL endpoint to serve from instead of the embedded store.",
            "LIMA_LOD_ENDPOINT",
        ),
    )
    endpoint_dataset: str = field(
        default="explicit",
        metadata=_meta(
            "The dataset of queries sent to --endpoint: 'explicit' names the release's graphs "
            "on each (the same answers on every engine); 'union' adds nothing, for an engine "
            "whose own default graph is the union of the release's graphs and nothing else.",
            "LIMA_LOD_ENDPOINT_DATASET",
        ),
    )
    query_timeout: float = field(
        default=10.0,
        metadata=_meta(
            "Seconds a query may run before it is stopped with 503.", "LIMA_LOD_QUERY_TIMEOUT"
        ),
    )
    query_memory_mb: int = field(
        default=1024,
        metadata=_meta(
            "Memory (MiB) a query worker may use before it is stopped with 503.",
            "LIMA_LOD_QUERY_MEMORY_MB",
        ),
    )
    max_results: int = field(
        default=10000,
        metadata=_meta(
            "Most rows (or triples) a query returns; a longer result is cut and says so.",
            "LIMA_LOD_MAX_RESULTS",
        ),
    )
    max_request_bytes: int = field(
        default=65536,
        metadata=_meta(
            "Largest request body or query string accepted.", "LIMA_LOD_MAX_REQUEST_BYTES"
        ),
    )
    workers: int = field(
        default=2,
        metadata=_meta("Query worker processes of the embedded store.", "LIMA_LOD_WORKERS"),
    )
    cache_mb: int = field(
        default=64,
        metadata=_meta(
            "Memory (MiB) the server keeps answers of repeated queries in; 0 turns the cache off.",
            "LIMA_LOD_CACHE_MB",
        ),
    )
    render_cache_mb: int = field(
        default=128,
        metadata=_meta(
            "Memory (MiB) for documents of a lazily pre-rendered release, rendered on first "
            "request and kept for the next.",
            "LIMA_LOD_RENDER_CACHE_MB",
        ),
    )
    store_dir: str = field(
        default="",
        metadata=_meta(
            "Folder for the embedded store's database, built from a release on first start "
            "(default: <dist>/store).",
            "LIMA_LOD_STORE_DIR",
        ),
    )

    store_user: str = field(
        default="",
        metadata=_meta(
            "User lima-lod load writes into a triple store as (HTTP Basic or Digest).",
            "LIMA_LOD_STORE_USER",
        ),
    )
    store_password: str = field(
        default="",
        repr=False,
        metadata=_meta(
            "Password of --store-user; never printed. Prefer the environment variable: an option "
            "shows in the process list.",
            "LIMA_LOD_STORE_PASSWORD",
        ),
    )

    @property
    def iris(self) -> Iris:
        """The IRI minter of this deployment."""
        return Iris(self.base)

    @property
    def store_path(self) -> Path:
        """Where the embedded store keeps the databases it builds from releases."""
        return Path(self.store_dir) if self.store_dir else self.dist / "store"

    @property
    def public(self) -> str:
        """The public URL, without a trailing slash."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


def setting_fields() -> tuple[Any, ...]:
    """The dataclass fields of :class:`Settings`, in table order."""
    return fields(Settings)


def _coerce(name: str, kind: Any, raw: object) -> object:
    target = {"Path": Path, "str": str, "int": int, "float": float}[
        kind if isinstance(kind, str) else kind.__name__
    ]
    try:
        return target(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name!r} is {raw!r}; expected a {target.__name__}") from None


def load_settings(
    overrides: dict[str, object] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Build settings from defaults, then environment variables, then explicit overrides.

    Args:
        overrides: values given on the command line or by a caller; ``None`` values are ignored.
        environ: the environment to read (defaults to ``os.environ``).
    """
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for f in setting_fields():
        if f.metadata["env"] in env:
            values[f.name] = _coerce(f.name, f.type, env[f.metadata["env"]])
    for name, value in (overrides or {}).items():
        if value is not None:
            kind = next((f.type for f in setting_fields() if f.name == name), None)
            if kind is None:
                raise ConfigError(f"unknown setting {name!r}")
            values[name] = _coerce(name, kind, value)
    settings = replace(Settings(), **values)  # type: ignore[arg-type]
    if settings.endpoint_dataset not in ENDPOINT_DATASETS:
        raise ConfigError(
            f"setting 'endpoint_dataset' is {settings.endpoint_dataset!r}; "
            f"expected one of {', '.join(ENDPOINT_DATASETS)}"
        )
    if settings.query_timeout <= 0 or settings.max_results <= 0 or settings.workers <= 0:
        raise ConfigError("query_timeout, max_results and workers must be positive")
    return settings
