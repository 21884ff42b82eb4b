"""The command line: parse options, call one plain function, print, exit with the error's code.

    lima-lod build [--force]          load, build, validate and write a release to dist/
    lima-lod validate [PATH ...]      validate our data, or other YAML/RDF files, against shapes/
    lima-lod serve                    serve the latest release (SPARQL endpoint and pages)
    lima-lod static OUT_DIR           write the latest release's whole site as static files

Every setting of :mod:`lima_lod.settings` is also an option (``--query-timeout 5``) and an
environment variable (``LIMA_LOD_QUERY_TIMEOUT=5``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import LimaLodError
from .settings import Settings, load_settings, setting_fields


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lima-lod", description=__doc__.splitlines()[0])
    common = argparse.ArgumentParser(add_help=False)
    for f in setting_fields():
        common.add_argument(f"--{f.name.replace('_', '-')}", dest=f.name, default=None,
                            metavar=f.name.upper(),
                            help=f"{f.metadata['help']} (env {f.metadata['env']}; "
                                 f"default {f.default})")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", parents=[common],
                                help="Load, build, validate and write a release.")
    build.add_argument("--force", action="store_true",
                       help="Replace a release of the same version.")
    build.add_argument("--prerender", action="store_true",
                       help="Also render every document of the release once (served from files).")
    check = commands.add_parser("validate", parents=[common],
                                help="Validate our data or the given YAML/RDF files.")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="YAML or RDF files or folders (default: the project's data).")
    check.add_argument("--lang", choices=("en", "es"), default="en",
                       help="Language of the messages.")
    commands.add_parser("serve", parents=[common], help="Serve the latest release.")
    static = commands.add_parser("static", parents=[common],
                                 help="Write the latest release's site as files, with nginx and "
                                      "Apache content-negotiation rules.")
    static.add_argument("out", type=Path, metavar="OUT_DIR", help="Where to write the site.")
    return parser


def run_build(settings: Settings, force: bool) -> str:
    """Build, validate and release; return a summary."""
    from .pipeline import build_checked
    from .release import write_release

    checked = build_checked(settings.root, settings.iris)
    folder = write_release(checked.built, checked.report, settings, shapes=checked.shapes,
                           force=force)
    warnings = len(checked.report.by_severity("Warning"))
    return (f"released {folder} ({len(checked.built.dataset)} triples; "
            f"{warnings} warning(s) in its validation report)")


def run_prerender(settings: Settings) -> str:
    """Render every document of the latest release; return a summary."""
    from .layout import find_release
    from .prerender import render_site

    site = render_site(settings, find_release(settings.dist))
    return (f"pre-rendered {len(site.documents)} documents of {len(site.keys)} resources into "
            f"{site.folder} ({site.size / 1e6:.1f} MB, {site.seconds:.1f} s)")


def run_static(settings: Settings, out: Path) -> str:
    """Write the latest release's site as files; return a summary."""
    from .static_site import write_static

    written = write_static(settings, out)
    return (f"wrote {written.folder}: {written.documents} documents, "
            f"{written.bytes / 1e6:.1f} MB in all, with nginx and Apache rules")


def run_validate(settings: Settings, paths: list[Path], lang: str) -> tuple[str, bool]:
    """Validate; return the readable report and whether the data conforms."""
    from .pipeline import check_paths

    report, graph = check_paths(settings.root, settings.iris, paths)
    return report.text(graph, lang), report.conforms


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    overrides = {f.name: getattr(args, f.name) for f in setting_fields()}
    try:
        settings = load_settings(overrides)
        if args.command == "build":
            print(run_build(settings, args.force))
            if args.prerender:
                print(run_prerender(settings))
        elif args.command == "validate":
            text, conforms = run_validate(settings, args.paths, args.lang)
            print(text)
            return 0 if conforms else 3
        elif args.command == "static":
            print(run_static(settings, args.out))
        else:
            from .web.server import serve

            serve(settings)
    except LimaLodError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
