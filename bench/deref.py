"""Dereferencing, side by side in one run: our documents (dynamic and pre-rendered), nginx on the
static site, and the Oxigraph server answering DESCRIBE for the same IRI.

    python bench/deref.py [--release DIR] [--duration 3] [--connections 8] [--key commitment/1]

Every server is pinned to the same core (``taskset -c 0``) and wrk runs on another one, so the
figures compare work per core. Also prints what the pre-rendering costs: its build time and the
disk it takes. ``bench/run.py`` runs this after its query rows unless ``--skip-deref``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import Unavailable, free_port, oxigraph_command, process, serve_command

ROOT = Path(__file__).resolve().parent.parent
SERVER_CPUS = "0"
LOAD_CPUS = "1"


@dataclass
class Row:
    """One measured run."""

    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def pinned(command: list[str]) -> list[str]:
    return ["taskset", "-c", SERVER_CPUS, *command] if shutil.which("taskset") else command


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(label: str, url: str, accept: str, duration: int, connections: int) -> Row:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-H",
        f"Accept: {accept}",
        url,
    ]
    if shutil.which("taskset"):
        command = ["taskset", "-c", LOAD_CPUS, *command]
    out = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=False
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+([\d.]+(?:us|ms|s))\s*$", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+([\d.]+(?:us|ms|s))\s*$", out, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Row(
        label,
        float(rps.group(1)) if rps else 0.0,
        _ms(p50.group(1)) if p50 else 0.0,
        _ms(p99.group(1)) if p99 else 0.0,
        int(errors.group(1)) if errors else 0,
    )


def check(url: str, accept: str) -> int:
    """One request first: the status (a run of errors measures nothing)."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@contextlib.contextmanager
def ours(dist: Path, work: Path, name: str) -> Iterator[str]:
    port = free_port()
    options = ("--store-dir", str(work / f"store-{name}"), "--workers", "1")
    command = pinned(serve_command(dist, port, *options))
    with process(command, f"http://127.0.0.1:{port}/sparql", work / f"{name}.log", 600):
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def oxigraph(dist: Path, work: Path) -> Iterator[str]:
    port = free_port()
    command = pinned(oxigraph_command(dist, work, port))
    with process(command, f"http://127.0.0.1:{port}/query", work / "oxigraph.log", 120):
        yield f"http://127.0.0.1:{port}/query"


@contextlib.contextmanager
def nginx(site: Path, work: Path) -> Iterator[str]:
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        raise Unavailable("apt-get install nginx")
    from lima_lod.layout import NGINX_HTTP, NGINX_SERVER, SERVER_RULES_FOLDER

    folder = work / "nginx"
    (folder / "temp").mkdir(parents=True)
    port = free_port()
    temps = "\n".join(
        f"    {k}_temp_path {folder / 'temp' / k};"
        for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    rules = site / SERVER_RULES_FOLDER
    conf = folder / "nginx.conf"
    conf.write_text(f"""worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"};
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
{temps}
    include {rules / NGINX_HTTP};
    server {{ listen 127.0.0.1:{port}; root {site}; include {rules / NGINX_SERVER}; }}
}}
""")
    proc = subprocess.Popen(
        pinned([binary, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"]),
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if check(url + "/", "text/html"):
                break
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def copy_release(dist: Path, work: Path, site: bool = False) -> Path:
    """A dist of its own holding the release, so the pre-rendering never touches the original
    (with its pre-rendered site if asked and there is one)."""
    from lima_lod.layout import SITE_FOLDER, SITE_MANIFEST

    release = (dist / "latest").resolve()
    copy = work / "deref-dist"
    shutil.copytree(
        release,
        copy / "releases" / release.name,
        copy_function=shutil.copy2,
        ignore=None if site else shutil.ignore_patterns(SITE_FOLDER, SITE_MANIFEST),
    )
    (copy / "latest").symlink_to(Path("releases") / release.name)
    return copy


def prerender(dist: Path) -> tuple[float, int, int]:
    """Render the release's documents as ``lima-lod build --prerender`` does (unless the release
    was built so, then its manifest's figures): (seconds, bytes, documents)."""
    from lima_lod.layout import find_release
    from lima_lod.prerender import Site, render_site
    from lima_lod.settings import load_settings

    settings = load_settings({"dist": str(dist)}, environ={})
    site = Site.read(find_release(dist))
    if site is None:
        site = render_site(settings, find_release(dist))
    return site.seconds, site.size, len(site.documents)


def run(dist: Path, work: Path, key: str, duration: int, connections: int) -> None:
    from lima_lod.iris import DEFAULT_BASE
    from lima_lod.layout import SITE_FOLDER, SITE_MANIFEST, find_release
    from lima_lod.settings import load_settings
    from lima_lod.static_site import write_static

    plain = copy_release(dist, work / "plain")
    rendered = copy_release(dist, work / "rendered", site=True)
    seconds, size, documents = prerender(rendered)
    release = (dist / "latest").resolve()
    release_size = sum(
        f.stat().st_size
        for f in release.rglob("*")
        if f.is_file() and not f.is_relative_to(release / SITE_FOLDER) and f.name != SITE_MANIFEST
    )
    site = work / "static"
    settings = load_settings({"dist": str(rendered)}, environ={})
    write_static(settings, site, find_release(rendered))
    iri = f"{DEFAULT_BASE}id/{key}"
    describe = urllib.parse.urlencode({"query": f"DESCRIBE <{iri}>"})
    rows: list[Row] = []

    def measure(label: str, url: str, accept: str) -> None:
        status = check(url, accept)
        if status != 200:
            print(f"  {label}: answered {status}; not measured", flush=True)
            return
        rows.append(wrk(label, url, accept, duration, connections))
        print(f"  {label}: {rows[-1].rps:.0f} req/s", flush=True)

    print(
        f"[deref] {iri}: one core per server (taskset -c {SERVER_CPUS}), wrk on "
        f"{LOAD_CPUS}, {connections} connections, {duration} s each",
        flush=True,
    )
    for name, opener in (
        ("oxigraph", lambda: oxigraph(dist, work)),
        ("ours (dynamic)", lambda: ours(plain, work, "dynamic")),
        ("ours (pre-rendered)", lambda: ours(rendered, work, "rendered")),
        ("nginx (static site)", lambda: nginx(site, work)),
    ):
        try:
            with opener() as url:
                if name == "oxigraph":
                    measure("oxigraph DESCRIBE ttl", f"{url}?{describe}", "text/turtle")
                else:
                    for suffix, accept in ((".ttl", "text/turtle"), (".html", "text/html")):
                        measure(f"{name} /doc/{key}{suffix}", f"{url}/doc/{key}{suffix}", accept)
        except Unavailable as why:
            print(f"  skipped {name}: {why}", flush=True)
    reference = next((r.rps for r in rows if r.label.startswith("oxigraph")), 0.0)
    print(f"\n== deref ==  {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}  x oxigraph DESCRIBE")
    for row in rows:
        ratio = f"x{row.rps / reference:.2f}" if reference else "-"
        flag = " !errors" if row.errors else ""
        print(f"{row.label:46} {row.rps:8.0f} {row.p50_ms:7.2f} {row.p99_ms:7.2f}  {ratio}{flag}")
    print(
        f"pre-rendering: {documents} documents in {seconds:.1f} s "
        f"({seconds / max(documents, 1) * 1000:.1f} ms each), {size / 1e6:.1f} MB on disk "
        f"(the release itself: {release_size / 1e6:.1f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, help="a dist folder (default ./dist)")
    parser.add_argument("--key", default="commitment/1")
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("the bench needs wrk: apt-get install wrk")
    dist = args.release or ROOT / "dist"
    with tempfile.TemporaryDirectory(prefix="lima-lod-deref-") as tmp:
        Path(tmp).chmod(0o755)  # nginx's worker drops privileges and must read the site
        run(dist, Path(tmp), args.key, args.duration, args.connections)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
