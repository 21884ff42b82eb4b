"""Dereferencing, side by side in one run: our documents (dynamic, pre-rendered eagerly and
lazily), nginx on the static site, and the Oxigraph server answering DESCRIBE for the same IRI;
then the HTTP front alone: a pre-rendered document through uvicorn with h11, with httptools
(the default), and through Granian when it is installed.

    python bench/deref.py [--release DIR] [--duration 3] [--connections 8] [--key commitment/1]

Every server is up at once, pinned to the same core (``taskset -c 0``), and wrk runs on another
one, so the figures compare work per core; the rows are run in interleaved rounds
(``--rounds``), so that a burst of load on a shared machine falls on no server alone, and each
figure is the median of its rounds. Besides req/s and latency each row prints the CPU time the
server's processes spent per request (``cpu us``): on a shared, noisy machine that is the
steadier measure of work, and its ratio to the Oxigraph server's is printed too. Also prints
what the pre-rendering costs: its build time and the disk it takes. ``bench/run.py`` runs this
after its query rows unless ``--skip-deref``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import Unavailable, cpu_seconds, free_port, oxigraph_command, process, serve_command

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
    requests: int = 0
    cpu_us: float = 0.0  # CPU time of the server's processes per request


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
    done = re.search(r"(\d+) requests in", out)
    return Row(
        label,
        float(rps.group(1)) if rps else 0.0,
        _ms(p50.group(1)) if p50 else 0.0,
        _ms(p99.group(1)) if p99 else 0.0,
        int(errors.group(1)) if errors else 0,
        int(done.group(1)) if done else 0,
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


Server = Iterator[tuple[str, int]]  # (base URL, pid)


@contextlib.contextmanager
def ours(dist: Path, work: Path, name: str, parser: str = "httptools") -> Server:
    port = free_port()
    options = ("--store-dir", str(work / f"store-{name}"), "--workers", "1")
    command = pinned(serve_command(dist, port, *options, "--http-parser", parser))
    url = f"http://127.0.0.1:{port}"
    with process(command, f"{url}/sparql", work / f"{name}.log", 600) as (_, pid):
        yield url, pid


@contextlib.contextmanager
def granian(dist: Path, work: Path) -> Server:
    """Granian (a Rust HTTP server) serving the same app, one worker, asyncio's loop."""
    import importlib.util

    if importlib.util.find_spec("granian") is None:
        raise Unavailable("pip install granian")
    port = free_port()
    command = pinned(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--loop",
            "asyncio",
            "--no-ws",
            "--log-level",
            "warning",
            "--factory",
            "granian_app:app",
        ]
    )
    env = {
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")]),
        "LIMA_LOD_DIST": str(dist),
        "LIMA_LOD_STORE_DIR": str(work / "store-granian"),
        "LIMA_LOD_WORKERS": "1",
        "LIMA_LOD_PORT": str(port),
    }
    url = f"http://127.0.0.1:{port}"
    with process(command, f"{url}/sparql", work / "granian.log", 600, env) as (_, pid):
        yield url, pid


@contextlib.contextmanager
def oxigraph(dist: Path, work: Path) -> Server:
    port = free_port()
    command = pinned(oxigraph_command(dist, work, port))
    url = f"http://127.0.0.1:{port}/query"
    with process(command, url, work / "oxigraph.log", 120) as (_, pid):
        yield url, pid


@contextlib.contextmanager
def nginx(site: Path, work: Path) -> Server:
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
        yield url, proc.pid
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


def prerender(dist: Path) -> tuple[float, int, int, str]:
    """Render the release's documents as ``lima-lod build --prerender`` does (unless the release
    was built so, then its manifest's figures): (seconds, bytes, documents, what they are)."""
    from lima_lod.layout import find_release
    from lima_lod.prerender import Site, render_site
    from lima_lod.settings import load_settings

    settings = load_settings({"dist": str(dist)}, environ={})
    site = Site.read(find_release(dist))
    if site is None:
        site = render_site(settings, find_release(dist))
    return site.seconds, site.size, len(site.documents), kinds(site)


def kinds(site: Any) -> str:
    """How many of a site's documents are of each kind: resources' documents (and their later
    pages), the home page and vocabulary, and each kind of linked page."""
    from lima_lod.linked import LINKED

    def kind(path: str) -> str:
        if path.startswith("/doc/"):
            return "later pages" if "?page=" in path else "resource documents"
        linked = next((p for p in LINKED if path.startswith(p)), None)
        return {
            "/compare": "comparison",
            "/term/": "term",
            "/charts/": "chart",
            "/queries": "example-query",
            "/favicon.ico": "favicon",
        }.get(linked or "", "home and vocabulary")

    counted = Counter(kind(d.path) for d in site.documents)
    return ", ".join(f"{n} {name}" for name, n in counted.most_common())


def settle(pid: int, idle: float = 0.02, most: float = 10.0) -> None:
    """Wait until a server stops working off what the last row left it (a backlog would take
    the shared core from the next row): under ``idle`` CPU-seconds a second, or ``most`` s."""
    give_up = time.monotonic() + most
    before = cpu_seconds(pid)
    while time.monotonic() < give_up:
        time.sleep(0.25)
        now = cpu_seconds(pid)
        if now - before < idle * 0.25:
            return
        before = now


def median_row(label: str, runs: list[Row]) -> Row:
    """The median of each figure over rounds (each figure on its own)."""

    def mid(values: list[float]) -> float:
        return statistics.median(values) if values else 0.0

    return Row(
        label,
        mid([r.rps for r in runs]),
        mid([r.p50_ms for r in runs]),
        mid([r.p99_ms for r in runs]),
        sum(r.errors for r in runs),
        sum(r.requests for r in runs),
        mid([r.cpu_us for r in runs]),
    )


def run(dist: Path, work: Path, key: str, duration: int, connections: int, rounds: int = 3) -> None:
    from lima_lod.iris import DEFAULT_BASE
    from lima_lod.layout import SITE_FOLDER, SITE_MANIFEST, find_release
    from lima_lod.prerender import render_site
    from lima_lod.settings import load_settings
    from lima_lod.static_site import write_static

    plain = copy_release(dist, work / "plain")
    rendered = copy_release(dist, work / "rendered", site=True)
    seconds, size, documents, what = prerender(rendered)
    lazy = copy_release(dist, work / "lazy")
    render_site(load_settings({"dist": str(lazy)}, environ={}), find_release(lazy), mode="lazy")
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
    runs: dict[str, list[Row]] = {}

    def measure(label: str, url: str, accept: str, pid: int) -> None:
        before = cpu_seconds(pid)
        row = wrk(label, url, accept, duration, connections)
        settle(pid)
        row.cpu_us = (cpu_seconds(pid) - before) / max(row.requests, 1) * 1e6
        runs.setdefault(label, []).append(row)
        print(f"  {label}: {row.rps:.0f} req/s, {row.cpu_us:.0f} us CPU each", flush=True)

    print(
        f"[deref] {iri}: every server up at once, each pinned to core {SERVER_CPUS}, wrk on "
        f"{LOAD_CPUS}, {connections} connections, {duration} s a row, {rounds} rounds "
        "(rows interleaved; medians)",
        flush=True,
    )
    documents_of = ((".ttl", "text/turtle"), (".html", "text/html"))
    servers = (
        ("oxigraph", lambda: oxigraph(dist, work), ()),
        ("ours dynamic", lambda: ours(plain, work, "dynamic"), documents_of),
        ("ours eager", lambda: ours(rendered, work, "rendered"), documents_of),
        ("ours lazy", lambda: ours(lazy, work, "lazy"), documents_of),
        ("nginx static", lambda: nginx(site, work), documents_of),
        ("front: uvicorn+h11 eager", lambda: ours(rendered, work, "h11", "h11"), documents_of[:1]),
        ("front: uvicorn+httptools eager", lambda: ours(rendered, work, "ht"), documents_of[:1]),
        ("front: granian eager", lambda: granian(rendered, work), documents_of[:1]),
    )
    targets: list[tuple[str, str, str, int]] = []  # label, URL, Accept, pid
    with contextlib.ExitStack() as running:
        for name, opener, kinds in servers:
            try:
                url, pid = running.enter_context(opener())
            except Unavailable as why:
                print(f"  skipped {name}: {why}", flush=True)
                continue
            if name == "oxigraph":
                targets.append(("oxigraph DESCRIBE ttl", f"{url}?{describe}", "text/turtle", pid))
            for suffix, accept in kinds:
                targets.append((f"{name} {suffix}", f"{url}/doc/{key}{suffix}", accept, pid))
        for label, url, accept, _ in list(targets):
            status = check(url, accept)  # also renders a lazy document: its first request
            if status != 200:
                print(f"  {label}: answered {status}; not measured", flush=True)
                targets = [t for t in targets if t[0] != label]
        for _ in range(rounds):
            for target in targets:
                measure(*target)
    rows = [median_row(label, found) for label, found in runs.items()]
    reference = next((r for r in rows if r.label.startswith("oxigraph")), None)
    print(
        f"\n== deref /doc/{key} ==  {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'cpu us':>7}"
        "  x oxigraph (req/s, cpu)"
    )
    for row in rows:
        ratio = (
            f"x{row.rps / reference.rps:.2f}  x{reference.cpu_us / row.cpu_us:.2f}"
            if reference and reference.rps and row.cpu_us
            else "-"
        )
        flag = " !errors" if row.errors else ""
        print(
            f"{row.label:34} {row.rps:8.0f} {row.p50_ms:7.2f} {row.p99_ms:7.2f} "
            f"{row.cpu_us:7.0f}  {ratio}{flag}"
        )
    print(
        f"pre-rendering: {documents} documents in {seconds:.1f} s "
        f"({seconds / max(documents, 1) * 1000:.1f} ms each), {size / 1e6:.1f} MB on disk "
        f"(the release itself: {release_size / 1e6:.1f} MB); lazily: none at build"
    )
    print(f"  of which: {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, help="a dist folder (default ./dist)")
    parser.add_argument("--key", default="commitment/1")
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("the bench needs wrk: apt-get install wrk")
    dist = args.release or ROOT / "dist"
    with tempfile.TemporaryDirectory(prefix="lima-lod-deref-") as tmp:
        Path(tmp).chmod(0o755)  # nginx's worker drops privileges and must read the site
        run(dist, Path(tmp), args.key, args.duration, args.connections, args.rounds)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
