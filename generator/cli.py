"""Command line: a thin layer that turns options into BuildSettings and errors into messages.

    python build.py [options]            build dist/ from the snapshot in content/
    python build.py resolve URL          which file of dist/ answers an LL2 URL
"""

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator.errors import LL2StaticError, QueryError, SettingsError
from generator.pipeline import BuildReport, build
from generator.query import parse_request, query_path
from generator.settings import BuildSettings
from generator.site.plumbing import check_cname
from generator.snapshot import parse_utc


def _utc(text: str) -> object:
    try:
        return parse_utc(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time with zone, e.g. 2025-12-04T17:06:15Z ({exc})") from None


def _cname(text: str) -> str:
    try:
        return check_cname(text)
    except SettingsError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--cname: ")) from None


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dist", type=Path, default=Path("dist"), metavar="DIR",
                        help="output folder, replaced whole at the end of a build (default: dist)")
    parser.add_argument("--base-url", default="", metavar="URL",
                        help="public URL of the site, e.g. https://user.github.io/ll2-static; "
                             "used in next/previous links (default: '' = root-relative links)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the ll2-static mirror of the Launch Library 2 Events API from the "
                    "snapshot in content/ (no network needed).",
    )
    _add_site_options(parser)
    parser.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                        help="content folder holding snapshot/ and pages/ (default: content)")
    parser.add_argument("--now", type=_utc, default=None, metavar="TIME",
                        help="the build's 'now' for upcoming/previous lists, ISO 8601 with zone "
                             "(default: the snapshot's as_of, so a snapshot always builds the same)")
    parser.add_argument("--cname", type=_cname, default=None, metavar="DOMAIN",
                        help="custom domain for GitHub Pages, written to dist/CNAME "
                             "(default: no CNAME file)")
    parser.add_argument("--strict", action="store_true",
                        help="fail on warnings such as schema drift (unknown fields)")
    parser.add_argument("--verbose", action="store_true",
                        help="show a traceback with errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     help="optional: resolve (without one, build the site)")
    resolve = commands.add_parser(
        "resolve", help="print the file of dist/ that answers an LL2 URL or query",
        description="Map an LL2 URL (path and query) to the static file that serves it.")
    resolve.add_argument("url", help="e.g. '/2.3.0/events/?mode=list&limit=100&offset=100'")
    _add_site_options(resolve)
    return parser


def _print_report(report: BuildReport, settings: BuildSettings) -> None:
    for drift in report.drift:
        print(drift, file=sys.stderr)
    events = ", ".join(f"{v}: {n} events" for v, n in report.events.items())
    total_files = sum(report.tally.files.values())
    total_bytes = sum(report.tally.bytes.values())
    print(f"built {settings.dist_dir}/ ({events}; now = {report.now:%Y-%m-%dT%H:%M:%SZ}): "
          f"{total_files} files, {total_bytes:,} bytes")
    for family in sorted(report.tally.files):
        print(f"  {family:<10} {report.tally.files[family]:>7} files {report.tally.bytes[family]:>14,} bytes")


def _resolve(args: argparse.Namespace) -> int:
    settings = BuildSettings(dist_dir=args.dist, base_url=args.base_url)
    query = parse_request(args.url, settings.base_path)
    relpath = query_path(query)
    target = settings.dist_dir / relpath
    if target.is_file():
        print(target)
        return 0
    print(f"not precomputed: {args.url} (would be {target}); the mirror has no file for this query",
          file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        if args.command == "resolve":
            return _resolve(args)
        settings = BuildSettings(content_dir=args.content, dist_dir=args.dist,
                                 base_url=args.base_url, now=args.now, strict=args.strict,
                                 cname=args.cname)
        _print_report(build(settings), settings)
        return 0
    except QueryError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except LL2StaticError as exc:
        if args.verbose:
            traceback.print_exc()
        print(f"Error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
