"""Helpers of the web tests: a tiny release (the four named graphs of a real one, an IRI with a
percent-encoded slash, a literal with a tab, language-tagged labels) and settings over it.

Imported by ``conftest.py`` and the test modules; ``lima-lod build`` is not needed.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

from lima_lod.settings import Settings, load_settings

BASE = "https://w3id.org/lima-lod/"
GRAPHS = {
    name: f"{BASE}graph/{name}"
    for name in ("vocabulary", "code-lists", "report/mx-2021", "metadata")
}
CFU = f"{BASE}def/cfu#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SLASHED = f"{BASE}id/commitment/a%2Fb"  # minted from the key "a/b"
COMMITMENTS = 12


def quads() -> list[str]:
    """N-Quads lines of the tiny release."""
    g = GRAPHS
    lines = [
        f"<{CFU}Commitment> <{RDF_TYPE}> <http://www.w3.org/2002/07/owl#Class> <{g['vocabulary']}> .",
        f'<{CFU}Commitment> <{LABEL}> "Commitment"@en <{g["vocabulary"]}> .',
        f'<{CFU}Commitment> <{LABEL}> "Compromiso"@es <{g["vocabulary"]}> .',
        f'<{BASE}id/axis/A> <{LABEL}> "Axis A\twith a tab" <{g["code-lists"]}> .',
        f"<{SLASHED}> <{RDF_TYPE}> <{CFU}Commitment> <{g['code-lists']}> .",
        f'<{SLASHED}> <{LABEL}> "Slashed" <{g["code-lists"]}> .',
        f'<{BASE}id/dataset/lima-lod> <http://purl.org/dc/terms/title> "lima-lod" <{g["metadata"]}> .',
    ]
    for n in range(1, COMMITMENTS + 1):
        c = f"{BASE}id/commitment/{n}"
        lines.append(f"<{c}> <{RDF_TYPE}> <{CFU}Commitment> <{g['code-lists']}> .")
        lines.append(f'<{c}> <{LABEL}> "Commitment {n}"@en <{g["code-lists"]}> .')
        obs = f"{BASE}id/observation/mx-2021/{n}/relevance"
        lines.append(f"<{obs}> <{CFU}commitment> <{c}> <{g['report/mx-2021']}> .")
        lines.append(
            f'<{obs}> <{CFU}value> "{n % 4}.5"^^<http://www.w3.org/2001/XMLSchema#decimal> '
            f"<{g['report/mx-2021']}> ."
        )
    return lines


def write_release(
    dist: Path, lines: list[str], version: str = "2021.1", built: str = "2024-05-01T12:00:00+00:00"
) -> Path:
    """Write ``<dist>/releases/<version>/`` and point ``<dist>/latest`` at it."""
    folder = dist / "releases" / version
    folder.mkdir(parents=True)
    (folder / "lima-lod.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "release.json").write_text(
        json.dumps({"version": version, "built": built}), encoding="utf-8"
    )
    (dist / "latest").symlink_to(folder.relative_to(dist))
    return folder


def make_settings(dist: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "dist": dist,
        "public_url": "https://lod.example.org",
        "workers": 2,
        "query_timeout": 10.0,
    }
    values.update(overrides)
    return load_settings(values, environ={})


def raw_request(url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are; read one response (Connection: close)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if headers.get("transfer-encoding") == "chunked":
        decoded, rest = b"", body
        while True:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line, 16)
            if size == 0:
                break
            decoded, rest = decoded + rest[:size], rest[size + 2 :]
        body = decoded
    return int(lines[0].split()[1]), headers, body
