"""The real server (uvicorn, each HTTP parser) over sockets: Java's h2c upgrade, SERVICE, curl,
serve()."""

from __future__ import annotations

import http.client
import io
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from webkit import SLASHED, raw_request

from lima_lod.errors import ConfigError
from lima_lod.settings import Settings
from lima_lod.store import EmbeddedStore
from lima_lod.web.server import PARSERS, base_protocol, running

QUERY = f"SELECT ?o WHERE {{ <{SLASHED}> ?p ?o }} ORDER BY ?o"


def h2c_post(url: str, content_type: str, body: bytes) -> bytes:
    host = urlsplit(url).netloc
    return (
        f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade, HTTP2-Settings\r\n"
        f"Upgrade: h2c\r\nHTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n"
        f"Content-Type: {content_type}\r\nAccept: application/sparql-results+json\r\n"
        f"Content-Length: {len(body)}\r\nUser-Agent: Java-http-client/17\r\n\r\n"
    ).encode() + body


def values(body: bytes) -> list[str]:
    return [b["o"]["value"] for b in json.loads(body)["results"]["bindings"]]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/sparql-query", QUERY.encode()),
        ("application/x-www-form-urlencoded", f"query={quote(QUERY, safe='')}".encode()),
    ],
)
def test_post_with_upgrade_h2c_keeps_its_body(live: str, content_type: str, body: bytes) -> None:
    status, _, answer = raw_request(
        live, h2c_post(live, content_type, body).replace(b"Upgrade, ", b"close, Upgrade, ")
    )
    assert status == 200, answer
    assert "Slashed" in values(answer)


@pytest.fixture(scope="module", params=PARSERS)
def each_parser(
    request: pytest.FixtureRequest, settings: Settings, store: EmbeddedStore
) -> Iterator[str]:
    """A real server with each HTTP parser the ``http_parser`` setting offers."""
    with running(replace(settings, http_parser=request.param), store) as url:
        yield url


class Unclosed(io.BytesIO):
    """Bytes that stay readable when http.client closes its file after a response."""

    def close(self) -> None:
        pass


class Replies:
    """HTTP/1.1 responses read one after the other from the bytes of one connection."""

    def __init__(self, data: bytes) -> None:
        self.file = Unclosed(data)

    def makefile(self, *args: object, **kwargs: object) -> io.BytesIO:
        return self.file

    def read(self) -> tuple[int, bytes]:
        response = http.client.HTTPResponse(self)  # type: ignore[arg-type]
        response.begin()
        return response.status, response.read()


def exchange(url: str, *parts: bytes) -> bytes:
    """Send each part with a pause between them (separate segments); read until closed."""
    parts_of_url = urlsplit(url)
    with socket.create_connection((parts_of_url.hostname, parts_of_url.port), timeout=30) as sock:
        for part in parts:
            sock.sendall(part)
            time.sleep(0.05)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def chunked(body: bytes) -> bytes:
    return (
        b"".join(
            f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
            for piece in (body[:10], body[10:])
            if piece
        )
        + b"0\r\n\r\n"
    )


@pytest.mark.parametrize("split", [False, True], ids=["one-segment", "head-then-body"])
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_h2c_post_then_a_request_on_the_same_connection(
    each_parser: str, split: bool, framing: str
) -> None:
    # Java keeps the connection open after its upgrade attempt: the body and the request after
    # it must both be read as HTTP/1.1 (httptools alone ends the message at its head).
    body = QUERY.encode()
    request = h2c_post(each_parser, "application/sparql-query", body)
    if framing == "chunked":
        head, _, _ = request.partition(b"\r\n\r\n")
        head = head.replace(f"Content-Length: {len(body)}".encode(), b"Transfer-Encoding: chunked")
        request = head + b"\r\n\r\n" + chunked(body)
    after = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\nConnection: close\r\n\r\n"
    head, _, rest = request.partition(b"\r\n\r\n")
    parts = [head + b"\r\n\r\n", rest + after] if split else [request + after]
    replies = Replies(exchange(each_parser, *parts))
    status, answer = replies.read()
    assert status == 200, answer
    assert "Slashed" in values(answer)
    status, answer = replies.read()
    assert status == 200 and json.loads(answer)["boolean"] is True


def test_a_head_that_grows_past_the_limit_is_cut_off(each_parser: str, settings: Settings) -> None:
    # httptools has no bound of its own on a head: a client sending an endless query string
    # must not make the server hold it all.
    parts = urlsplit(each_parser)
    limit = settings.max_request_bytes + 16384
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(b"GET /sparql?query=")
        sent, answer = 0, b""
        try:
            while sent < 4 * limit and not answer:
                sock.sendall(b"x" * 8192)
                sent += 8192
                readable, _, _ = select.select([sock], [], [], 0.01)
                if readable:
                    answer = sock.recv(65536) or b"closed"
            if not answer:
                answer = sock.recv(65536) or b"closed"
        except ConnectionError:
            answer = b"reset"
    assert sent < 4 * limit, "the server kept reading a head four times the limit"
    assert answer == b"reset" or answer == b"closed" or answer.startswith(b"HTTP/1.1 4")


def test_an_unknown_parser_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="http_parser"):
        base_protocol("picohttp")


def test_a_service_clause_never_contacts_the_service(live: str) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    try:
        for query in (
            f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
            (
                f"ASK {{ FILTER EXISTS {{ SERVICE SILENT <http://127.0.0.1:{port}/> "
                "{ ?s ?p ?o } } }"
            ),
        ):
            request = urllib.request.Request(
                f"{live}/sparql",
                data=query.encode(),
                headers={"Content-Type": "application/sparql-query"},
            )
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(request, timeout=30)
            assert info.value.code == 400 and b"SERVICE" in info.value.read()
        # The refusal came before evaluation, so no connection can be pending or have been made.
        readable, _, _ = select.select([listener], [], [], 0)
        assert readable == []
    finally:
        listener.close()


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl (apt-get install curl)")
def test_curl(live: str) -> None:
    def curl(*args: str) -> bytes:
        return subprocess.run(
            ["curl", "-sS", "--fail", *args], check=True, capture_output=True, timeout=60
        ).stdout

    endpoint = f"{live}/sparql"
    by_get = curl("-G", endpoint, "--data-urlencode", f"query={QUERY}")
    by_form = curl(endpoint, "--data-urlencode", f"query={QUERY}")
    by_direct = curl(
        endpoint, "-H", "Content-Type: application/sparql-query", "--data-binary", QUERY
    )
    assert values(by_get) == values(by_form) == values(by_direct)
    head = curl("-I", "-G", endpoint, "--data-urlencode", f"query={QUERY}").decode()
    assert head.startswith("HTTP/1.1 200") and "etag:" in head.lower()
    as_csv = curl("-G", endpoint, "-H", "Accept: text/csv", "--data-urlencode", f"query={QUERY}")
    assert as_csv.decode().splitlines()[0] == "o"


def test_serve_runs_until_terminated(dist: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = textwrap.dedent(f"""
        from lima_lod.settings import load_settings
        from lima_lod.web.server import serve
        if __name__ == "__main__":
            serve(load_settings({{"dist": {str(dist)!r}, "port": {port}, "workers": 1,
                                 "store_dir": {str(tmp_path)!r}}}, environ={{}}))
    """)
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = f"http://127.0.0.1:{port}/sparql?query=" + quote("ASK {}")
        for _ in range(600):  # bounded: up to about a minute for the server to come up
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    assert json.loads(response.read())["boolean"] is True
                    break
            except OSError:
                select.select([], [], [], 0.1)
        else:
            pytest.fail("the server did not answer")
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
        log = b""
        if process.stderr:
            log = process.stderr.read()
            process.stderr.close()
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert process.returncode in (0, -signal.SIGTERM)
    assert b"Traceback" not in log


def test_serve_freezes_what_start_up_made(dist: Path, tmp_path: Path) -> None:
    # In a process of its own: gc.freeze is process-wide.
    script = textwrap.dedent(f"""
        import gc, socket, threading, time
        from lima_lod.settings import load_settings
        from lima_lod.store import open_store
        from lima_lod.web.server import Server, _config
        if __name__ == "__main__":
            settings = load_settings({{"dist": {str(dist)!r}, "port": 0, "workers": 1,
                                      "store_dir": {str(tmp_path)!r}}}, environ={{}})
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            server = Server(_config(settings, open_store(settings)), freeze=True)
            thread = threading.Thread(target=server.run, kwargs={{"sockets": [sock]}})
            thread.start()
            while not server.started:
                time.sleep(0.05)
            time.sleep(0.2)
            print(gc.get_freeze_count())
            server.should_exit = True
            thread.join(30)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert int(done.stdout.split()[-1]) > 10_000
