"""Helpers of the web tests: a tiny release (the four named graphs of a real one, an IRI with a
percent-encoded slash, a literal with a tab, language-tagged labels) and settings over it.

Imported by ``conftest.py`` and the test modules; ``lima-lod build`` is not needed.
"""

from __future__ import annotations

import json
from pathlib import Path

from lima_lod.settings import Settings, load_settings

BASE = "https://w3id.org/lima-lod/"
GRAPHS = {name: f"{BASE}graph/{name}" for name in
          ("vocabulary", "code-lists", "report/mx-2021", "metadata")}
CFU = f"{BASE}def/cfu#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SLASHED = f"{BASE}id/commitment/a%2Fb"  # minted from the key "a/b"
COMMITMENTS = 12


def quads() -> list[str]:
    """N-Quads lines of the tiny release."""
    g = GRAPHS
    lines = [
        f'<{CFU}Commitment> <{RDF_TYPE}> <http://www.w3.org/2002/07/owl#Class> <{g["vocabulary"]}> .',
        f'<{CFU}Commitment> <{LABEL}> "Commitment"@en <{g["vocabulary"]}> .',
        f'<{CFU}Commitment> <{LABEL}> "Compromiso"@es <{g["vocabulary"]}> .',
        f'<{BASE}id/axis/A> <{LABEL}> "Axis A\twith a tab" <{g["code-lists"]}> .',
        f'<{SLASHED}> <{RDF_TYPE}> <{CFU}Commitment> <{g["code-lists"]}> .',
        f'<{SLASHED}> <{LABEL}> "Slashed" <{g["code-lists"]}> .',
        f'<{BASE}id/dataset/lima-lod> <http://purl.org/dc/terms/title> "lima-lod" <{g["metadata"]}> .',
    ]
    for n in range(1, COMMITMENTS + 1):
        c = f"{BASE}id/commitment/{n}"
        lines.append(f'<{c}> <{RDF_TYPE}> <{CFU}Commitment> <{g["code-lists"]}> .')
        lines.append(f'<{c}> <{LABEL}> "Commitment {n}"@en <{g["code-lists"]}> .')
        obs = f"{BASE}id/observation/mx-2021/{n}/relevance"
        lines.append(f'<{obs}> <{CFU}commitment> <{c}> <{g["report/mx-2021"]}> .')
        lines.append(f'<{obs}> <{CFU}value> "{n % 4}.5"^^<http://www.w3.org/2001/XMLSchema#decimal> '
                     f'<{g["report/mx-2021"]}> .')
    return lines


def write_release(dist: Path, lines: list[str], version: str = "2021.1",
                  built: str = "2024-05-01T12:00:00+00:00") -> Path:
    """Write ``<dist>/releases/<version>/`` and point ``<dist>/latest`` at it."""
    folder = dist / "releases" / version
    folder.mkdir(parents=True)
    (folder / "lima-lod.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "release.json").write_text(json.dumps({"version": version, "built": built}),
                                         encoding="utf-8")
    (dist / "latest").symlink_to(folder.relative_to(dist))
    return folder


def make_settings(dist: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"dist": dist, "public_url": "https://lod.example.org",
                                 "workers": 2, "query_timeout": 10.0}
    values.update(overrides)
    return load_settings(values, environ={})
