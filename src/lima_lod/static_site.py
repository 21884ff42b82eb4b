"""``lima-lod static OUT_DIR``: the whole site of a release as files, for any static web server.

The pre-rendered documents (``prerender.py``; rendered now if the release has none), the
release files under ``releases/<v>/``, the pages' static assets, and the rules that reproduce
the app's content negotiation (and the pages the documents link to, ``linked.py``):
``_server/nginx-http.conf`` (``map`` blocks, to include in
``http {}``), ``_server/nginx-server.conf`` (locations, to include in ``server {}``) and a
``.htaccess`` for Apache (mod_rewrite, mod_headers). Both are written from the same candidate
tables as the app's negotiation (``web/resources.py``), so a format added there is added here.

The rules are written by ``nginx_rules.py`` and ``htaccess.py`` from ``static_rules.py``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from .htaccess import htaccess, queries_htaccess
from .layout import (
    HTACCESS,
    NGINX_HTTP,
    NGINX_SERVER,
    SERVER_RULES_FOLDER,
    SITE_FOLDER,
    SITE_MANIFEST,
    Release,
    find_release,
    site_release_path,
)
from .nginx_rules import nginx_http, nginx_server
from .prerender import Site, render_site
from .settings import Settings


@dataclass(frozen=True)
class Written:
    """What ``lima-lod static`` wrote."""

    folder: Path
    documents: int
    bytes: int


def write_static(settings: Settings, out: Path, release: Release | None = None) -> Written:
    """Write the served release's whole site into ``out`` (rendering it first if needed).

    Args:
        settings: as the site is served (the IRI base, the public URL pages show).
        out: the folder to write; files already there are replaced.
        release: the release to write (default: the latest one).
    """
    from .web.resources import CACHE_CONTROL

    release = release or find_release(settings.dist)
    site = Site.read(release)
    if site is None or site.lazy or site.base != settings.base:
        site = render_site(settings, release)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(site.folder, out, dirs_exist_ok=True)
    shutil.copytree(
        release.path,
        out / site_release_path(release.version),
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(SITE_FOLDER, SITE_MANIFEST),
    )
    assets = files("lima_lod.web") / "static"
    for asset in assets.iterdir():
        if asset.is_file():
            (out / "static").mkdir(exist_ok=True)
            (out / "static" / asset.name).write_bytes(asset.read_bytes())
    rules = out / SERVER_RULES_FOLDER
    rules.mkdir(exist_ok=True)
    (rules / NGINX_HTTP).write_text(nginx_http(), encoding="utf-8")
    (rules / NGINX_SERVER).write_text(nginx_server(CACHE_CONTROL), encoding="utf-8")
    (out / HTACCESS).write_text(htaccess(CACHE_CONTROL), encoding="utf-8")
    if (out / "queries").is_dir():
        (out / "queries" / HTACCESS).write_text(queries_htaccess(), encoding="utf-8")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    return Written(out, len(site.documents), size)
