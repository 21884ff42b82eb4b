"""The w3id.org redirect rules of docs/w3id/.htaccess, run by a real Apache httpd (Debian's
apache2, with mod_rewrite and mod_headers) on 127.0.0.1 with its own configuration and folders,
as w3id.org runs them: the pull request can be opened with rules that are known to work.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from lima_lod.iris import Iris

ROOT = Path(__file__).resolve().parent.parent
HTACCESS = ROOT / "docs" / "w3id" / ".htaccess"
MODULES = Path("/usr/lib/apache2/modules")
IRIS = Iris()


def apache() -> str | None:
    return shutil.which("apache2") or (
        "/usr/sbin/apache2" if os.access("/usr/sbin/apache2", os.X_OK) else None
    )


def setting(name: str) -> str:
    match = re.search(rf"\[E={name}:([^\]]+)\]", HTACCESS.read_text(encoding="utf-8"))
    assert match, name
    return match.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def w3id() -> Iterator[str]:
    """An Apache serving the .htaccess at /lima-lod/, as w3id.org does; its base URL."""
    binary = apache()
    if binary is None:
        pytest.skip("apache2 is not installed (tests/tools/install.sh installs it with apt)")
    if not (MODULES / "mod_rewrite.so").exists() or not (MODULES / "mod_headers.so").exists():
        pytest.skip(f"mod_rewrite or mod_headers missing in {MODULES}")
    # not under pytest's private tmp: httpd started as root reads the files as www-data
    folder = Path(tempfile.mkdtemp(prefix="lima-lod-w3id-"))
    request_cleanup = folder
    docroot = folder / "htdocs"
    (docroot / "lima-lod").mkdir(parents=True)
    shutil.copy(HTACCESS, docroot / "lima-lod" / ".htaccess")
    port = free_port()
    user = ""
    if os.geteuid() == 0:  # httpd started as root switches to an unprivileged user
        user = "User www-data\nGroup www-data\n"
        for path in (folder, docroot, docroot / "lima-lod", docroot / "lima-lod" / ".htaccess"):
            path.chmod(0o755 if path.is_dir() else 0o644)
    conf = folder / "httpd.conf"
    conf.write_text(
        f"""
ServerRoot {folder}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {folder}/httpd.pid
ErrorLog {folder}/error.log
LogLevel warn
{user}
LoadModule mpm_prefork_module {MODULES}/mod_mpm_prefork.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
LoadModule rewrite_module {MODULES}/mod_rewrite.so
LoadModule headers_module {MODULES}/mod_headers.so
DocumentRoot {docroot}
<Directory {docroot}>
    AllowOverride All
    Require all granted
</Directory>
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [binary, "-f", str(conf), "-X"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    out = process.stdout.read().decode() if process.stdout else ""
                    log = (
                        (folder / "error.log").read_text()
                        if (folder / "error.log").exists()
                        else ""
                    )
                    pytest.fail(f"apache2 exited: {out}\n{log}")
                time.sleep(0.1)
        yield base + "/lima-lod/"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
        shutil.rmtree(request_cleanup, ignore_errors=True)


def redirect(w3id: str, path: str, accept: str = "*/*") -> tuple[int, str, httpx.Response]:
    answer = httpx.get(w3id + path, headers={"Accept": accept}, follow_redirects=False)
    return answer.status_code, answer.headers.get("location", ""), answer


HOST = setting("LIMA_HOST")


@pytest.mark.parametrize(
    ("path", "accept", "location"),
    [
        ("def/cfu", "text/turtle", "/def/cfu?format=turtle"),
        ("def/cfu", "application/rdf+xml", "/def/cfu?format=rdfxml"),
        ("def/cfu", "application/n-triples", "/def/cfu?format=ntriples"),
        ("def/cfu", "application/ld+json", "/def/cfu?format=jsonld"),
        ("def/cfu", "text/html,application/xhtml+xml", "/def/cfu"),
        ("def/cfu/1.0.0", "text/turtle", "/def/cfu/1.0.0?format=turtle"),
        ("def/cfu/1.0.0", "text/html", "/def/cfu/1.0.0"),
        ("def/shapes", "application/ld+json", "/def/shapes?format=jsonld"),
        ("def/shapes/1.0.0", "text/turtle", "/def/shapes/1.0.0?format=turtle"),
        ("id/commitment/10", "text/turtle", "/doc/commitment/10.ttl"),
        ("id/commitment/10", "application/ld+json", "/doc/commitment/10.jsonld"),
        ("id/commitment/10", "application/n-triples", "/doc/commitment/10.nt"),
        ("id/commitment/10", "application/rdf+xml", "/doc/commitment/10.rdf"),
        (
            "id/observation/mx-2021/10/overall",
            "text/html",
            "/doc/observation/mx-2021/10/overall.html",
        ),
    ],
)
def test_negotiated_redirects(w3id: str, path: str, accept: str, location: str) -> None:
    status, where, answer = redirect(w3id, path, accept)
    assert status == 303, answer.text
    assert where == HOST + location
    assert "Accept" in answer.headers.get("vary", "")


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("def/cfu/context.jsonld", "/def/cfu/context.jsonld"),
        ("def/cfu/1.0.0/context.jsonld", "/def/cfu/1.0.0/context.jsonld"),
        ("doc/commitment/10.ttl", "/doc/commitment/10.ttl"),
        ("releases/latest/catalog.ttl", "/releases/latest/catalog.ttl"),
        ("sparql?query=ASK%7B%7D", "/sparql?query=ASK%7B%7D"),
        ("", "/"),
    ],
)
def test_plain_redirects(w3id: str, path: str, location: str) -> None:
    status, where, _ = redirect(w3id, path)
    assert status == 302
    assert where == HOST + location


def test_source_points_to_the_repository(w3id: str) -> None:
    status, where, _ = redirect(w3id, "source")
    assert (status, where) == (302, setting("LIMA_SOURCE"))


def test_the_iris_redirected_are_ours() -> None:
    """The paths the rules know are those our IRIs have under the w3id.org base."""
    assert str(IRIS.ontology) == "https://w3id.org/lima-lod/def/cfu"
    assert str(IRIS.shapes) == "https://w3id.org/lima-lod/def/shapes"
    assert str(IRIS.commitment(10)) == "https://w3id.org/lima-lod/id/commitment/10"
