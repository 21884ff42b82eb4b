"""The command line: parse options, call one plain function, print, exit with the error's code.

    lima-lod build [--force]          load, build, validate and write a release to dist/
    lima-lod validate [PATH ...]      validate our data, or other YAML/RDF files, against shapes/
    lima-lod serve                    serve the latest release (SPARQL endpoint and pages)
    lima-lod load --store URL         publish the latest release into a SPARQL store
    lima-lod new-report CC YEAR       scaffold a report folder for an observatory to fill in
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
        common.add_argument(
            f"--{f.name.replace('_', '-')}",
            dest=f.name,
            default=None,
            metavar=f.name.upper(),
            help=f"{f.metadata['help']} (env {f.metadata['env']}; default {f.default})",
        )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build", parents=[common], help="Load, build, validate and write a release."
    )
    build.add_argument(
        "--force", action="store_true", help="Replace a release of the same version."
    )
    build.add_argument(
        "--prerender",
        nargs="?",
        const="auto",
        default=None,
        choices=("auto", "eager", "lazy"),
        metavar="MODE",
        help="Also pre-render the release's documents: eager (every one now, served from "
        "files), lazy (each on its first request, then kept in memory), or auto (the "
        "default: lazy above 5,000 resources).",
    )
    check = commands.add_parser(
        "validate", parents=[common], help="Validate our data or the given YAML/RDF files."
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="YAML or RDF files or folders (default: the project's data).",
    )
    check.add_argument(
        "--lang", choices=("en", "es"), default="en", help="Language of the messages."
    )
    check.add_argument(
        "--format",
        choices=("text", "csv", "json"),
        default="text",
        dest="output",
        help="text (summary first), or the whole list as csv/json.",
    )
    check.add_argument(
        "--shapes",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="More SHACL shapes to validate with (e.g. an observatory's own).",
    )
    scaffold = commands.add_parser(
        "new-report", parents=[common], help="Scaffold a report folder from the code lists."
    )
    scaffold.add_argument("country", metavar="COUNTRY", help="ISO 3166-1 alpha-2 code, e.g. PE.")
    scaffold.add_argument("year", metavar="YEAR", help="The report's year, e.g. 2025.")
    scaffold.add_argument(
        "--out",
        type=Path,
        default=None,
        help="The folder to write (default data/reports/<cc>-<year>).",
    )
    scaffold.add_argument(
        "--ratings",
        choices=("yaml", "csv", "xlsx"),
        default="yaml",
        help="Write the ratings as YAML, or as a spreadsheet to fill in.",
    )
    commands.add_parser("serve", parents=[common], help="Serve the latest release.")
    load = commands.add_parser(
        "load", parents=[common], help="Publish the latest release into a SPARQL store."
    )
    load.add_argument(
        "--store",
        required=True,
        metavar="URL",
        help="The store's Graph Store endpoint, e.g. http://host:7878/store "
        "(Oxigraph) or http://host:8890/sparql-graph-crud-auth (Virtuoso).",
    )
    # Short forms of --store-user / --store-password for this command.
    load.add_argument(
        "--user", dest="store_user", default=None, metavar="USER", help="Same as --store-user."
    )
    load.add_argument(
        "--password",
        dest="store_password",
        default=None,
        metavar="PASSWORD",
        help="Same as --store-password (LIMA_LOD_STORE_PASSWORD is safer).",
    )
    load.add_argument(
        "--keep-old-graphs",
        action="store_true",
        help="Keep the graphs of an earlier release that this one no longer has "
        "(by default they are dropped once the new graphs are in).",
    )
    static = commands.add_parser(
        "static",
        parents=[common],
        help="Write the latest release's site as files, with nginx and "
        "Apache content-negotiation rules.",
    )
    static.add_argument("out", type=Path, metavar="OUT_DIR", help="Where to write the site.")
    return parser


def run_build(settings: Settings, force: bool) -> str:
    """Build, validate and release; return a summary."""
    from .pipeline import build_checked
    from .release import write_release

    checked = build_checked(settings.root, settings.iris)
    folder = write_release(
        checked.built, checked.report, settings, shapes=checked.shapes, force=force
    )
    warnings = len(checked.report.by_severity("Warning"))
    return (
        f"released {folder} ({len(checked.built.dataset)} triples; "
        f"{warnings} warning(s) in its validation report)"
    )


def run_prerender(settings: Settings, mode: str = "auto") -> str:
    """Pre-render the latest release's documents (``mode``: auto, eager, lazy); a summary."""
    from .layout import find_release
    from .prerender import render_site

    site = render_site(settings, find_release(settings.dist), mode=mode)
    if site.lazy:
        return (
            f"pre-rendering {len(site.keys)} resources lazily: each document is rendered on "
            f"its first request and kept (--render-cache-mb {settings.render_cache_mb})"
        )
    return (
        f"pre-rendered {len(site.documents)} documents of {len(site.keys)} resources into "
        f"{site.folder} ({site.size / 1e6:.1f} MB, {site.seconds:.1f} s)"
    )


def run_static(settings: Settings, out: Path) -> str:
    """Write the latest release's site as files; return a summary."""
    from .static_site import write_static

    written = write_static(settings, out)
    return (
        f"wrote {written.folder}: {written.documents} documents, "
        f"{written.bytes / 1e6:.1f} MB in all, with nginx and Apache rules"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    overrides = {f.name: getattr(args, f.name) for f in setting_fields()}
    try:
        settings = load_settings(overrides)
        if args.command == "build":
            print(run_build(settings, args.force))
            if args.prerender:
                print(run_prerender(settings, args.prerender))
        elif args.command == "validate":
            from .todo import validate_command

            out, err, status = validate_command(
                settings, args.paths, args.lang, args.output, args.shapes
            )
            print(out)
            if err:
                print(err, file=sys.stderr)
            return status
        elif args.command == "load":
            from .publish import publish

            loaded = publish(
                args.store,
                settings.dist,
                settings.store_user,
                settings.store_password,
                args.keep_old_graphs,
                settings.base,
            )
            print(loaded.summary())
        elif args.command == "new-report":
            from .scaffold import new_report

            print(new_report(settings.root, args.country, args.year, args.out, args.ratings))
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
