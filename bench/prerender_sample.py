"""What pre-rendering would cost on a scaled-up release, from a sample of its resources.

    python bench/prerender_sample.py [--triples 1000000] [--resources 100]

Scales the release up (bench/synthetic.py, in a temp dir), renders every document of a random
sample of its resources with the app's own routes (as ``lima-lod build --prerender`` does) and
extrapolates to all of them: documents, seconds and bytes. Nothing is kept.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import scale

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    from fastapi.testclient import TestClient

    from lima_lod.layout import find_release
    from lima_lod.prerender import interface_languages, plan, resource_keys
    from lima_lod.settings import load_settings
    from lima_lod.store import EmbeddedStore
    from lima_lod.web.app import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, default=ROOT / "dist" / "latest")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--resources", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lima-lod-prerender-sample-") as tmp:
        dist = Path(tmp) / "dist"
        scale(args.release, dist, args.triples)
        settings = load_settings(
            {"dist": str(dist), "store_dir": str(Path(tmp) / "store")}, environ={}
        )
        release = find_release(dist)
        started = time.perf_counter()
        store = EmbeddedStore.open(settings, release)
        opened = time.perf_counter() - started
        keys = resource_keys(store, settings)
        sample = sorted(random.Random(7).sample(keys, min(args.resources, len(keys))))
        documents, size = 0, 0
        with TestClient(create_app(settings, store, prerendered=False)) as client:
            started = time.perf_counter()
            for path, headers, _ in plan(sample, release, interface_languages()):
                if path.startswith("/doc/"):
                    response = client.get(path, headers=headers)
                    documents += 1
                    size += len(response.content)
            seconds = time.perf_counter() - started
        scale_up = len(keys) / len(sample)
        print(
            f"[prerender sample] ~{args.triples} triples: {len(keys)} resources; store opened "
            f"in {opened:.0f} s; {documents} documents of {len(sample)} resources rendered in "
            f"{seconds:.1f} s ({seconds / documents * 1000:.1f} ms each, "
            f"{size / documents / 1024:.1f} KB each)"
        )
        print(
            f"[prerender sample] all of them, extrapolated: {documents * scale_up:.0f} "
            f"documents, {seconds * scale_up / 60:.0f} min on one core, "
            f"{size * scale_up / 1e9:.2f} GB"
        )


if __name__ == "__main__":
    main()
