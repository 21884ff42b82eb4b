"""The app for Granian in bench/deref.py's front rows: ``granian --factory granian_app:app``.

Settings come from the environment (``LIMA_LOD_DIST`` and the rest), as for ``lima-lod serve``.
"""

from __future__ import annotations

from lima_lod.settings import load_settings
from lima_lod.store import open_store
from lima_lod.web.app import App, create_app


def app() -> App:
    settings = load_settings()
    return create_app(settings, open_store(settings))
