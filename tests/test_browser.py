"""The pages in a real headless browser: Debian's chromium driven by playwright-core (npm), with
axe-core (npm) checking accessibility, over a real release of the Mexico data served by our own
server on 127.0.0.1, under a strict Content-Security-Policy.

tests/js/browser.mjs visits the pages and reports; this test asserts. Set
LIMA_LOD_SCREENSHOTS=docs/screenshots to also write the screenshots of each page kind.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from releasekit import ROOT, release

from lima_lod.iris import Iris
from lima_lod.store import EmbeddedStore
from lima_lod.web import pages
from lima_lod.web.server import running

JS = ROOT / "tests" / "js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="no chromium (Debian package chromium; tests/tools/install.sh)",
    ),
    pytest.mark.skipif(NODE is None, reason="no node (Debian packages nodejs, npm)"),
    pytest.mark.skipif(
        not (JS / "node_modules" / "playwright-core").is_dir()
        or not (JS / "node_modules" / "axe-core").is_dir(),
        reason="playwright-core / axe-core not installed (npm ci in tests/js)",
    ),
]

#: The policy pages are checked under when the server sends none (once it does, its own is
#: checked): no inline script, no eval, no third-party origin; styles from our files, plus the
#: one fixed <style> YASGUI's table writes, allowed by its hash.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' {styles}; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: Chrome's console line for a failed page resource; it does not name the URL.
NOT_FOUND = "Failed to load resource: the server responded with a status of 404 (Not Found)"


@pytest.fixture(scope="module")
def visited() -> Iterator[tuple[str, dict[str, dict[str, Any]]]]:
    assert pages.yasgui_installed(), "YASGUI is not installed: run make install (npm ci)"
    released = release()
    store = EmbeddedStore.open(released.settings)
    try:
        with running(released.settings, store) as url:
            command = [
                str(NODE),
                str(JS / "browser.mjs"),
                url,
                "--chromium",
                CHROMIUM,
                "--csp",
                CSP.format(styles=" ".join(pages.yasgui_style_hashes())),
            ]
            shots = os.environ.get("LIMA_LOD_SCREENSHOTS")
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                command += ["--screenshots", str(Path(shots).resolve())]
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=540, cwd=JS, check=False
            )
            assert done.returncode == 0, done.stderr[-4000:]
            report = json.loads(done.stdout)
            favicon = httpx.get(url + "/favicon.ico").status_code
            yield url, {page["path"]: page | {"favicon": favicon} for page in report["pages"]}
    finally:
        store.close()


PAGES = [
    "/",
    "/doc/report/mx-2021.html",
    "/doc/commitment/10.html",
    "/sparql",
    "/queries",
    "/queries/axis-averages",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly(visited: tuple[str, dict[str, dict[str, Any]]], path: str) -> None:
    page = visited[1][path]
    assert page["status"] == 200
    assert page["failed"] == [], "failed requests"
    assert page["external"] == [], "requests that left the server"
    errors = list(page["console"])
    if page["favicon"] == 404:
        # Until the pages branch (which adds /favicon.ico) is merged, the browser's own request
        # for it is the one error allowed, and only while the server really answers 404.
        errors = [e for e in errors if e != NOT_FOUND]
    assert errors == [], "console errors (CSP violations included)"
    assert page["violations"] == [], "serious or critical accessibility violations (axe-core)"
    assert page["lang"] == "en"


@pytest.mark.parametrize("path", PAGES)
def test_language_switch(visited: tuple[str, dict[str, dict[str, Any]]], path: str) -> None:
    page = visited[1][path]
    assert page["switched"] == "es"  # every page has the switch, and it works


def test_query_page_runs_an_example(visited: tuple[str, dict[str, dict[str, Any]]]) -> None:
    url, report = visited
    page = report["/sparql"]
    assert page["editor"] and page["form_hidden"], "YASGUI replaced the plain form"
    assert page["violations_with_results"] == []
    assert page["rows"] > 0
    ours = [href for href in page["iri_links"] if href.startswith("/id/")]
    assert ours, "our IRIs link to our pages on this server"
    assert not [href for href in page["iri_links"] if href.startswith(Iris().base)]
    assert page["permalink_rows"] == page["rows"], "the permalink reproduces the query"
    assert "select_table" in page["permalink_view"], "and the view"
    assert parse_qs(urlsplit(page["permalink"]).query)["view"] == ["table"]
    downloads = {d["text"]: d["href"] for d in page["downloads"]}
    assert list(downloads) == ["json", "xml", "csv", "tsv"]
    assert all(d.startswith(url + "/sparql?") for d in downloads.values())
    answer = httpx.get(downloads["json"])
    assert len(answer.json()["results"]["bindings"]) == page["rows"]
