"""Command line: a thin layer that turns options into BuildSettings and errors into messages.

    python build.py [options]            build dist/ from the snapshot in content/
    python build.py resolve URL          which file of dist/ answers an LL2 URL
    python build.py fetch [options]      refresh content/snapshot/ from the LL2 API
    python build.py serve [options]      a local LL2 on localhost over dist/
"""

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator.errors import LL2StaticError, QueryError, SettingsError
from generator.fetch_cli import add_fetch_parser, run_fetch_command
from generator.pipeline import BuildReport, build
from generator.query import parse_request, query_path
from generator.settings import DEFAULT_JOBS, DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, BuildSettings
from generator.site.plumbing import check_cname
from generator.snapshot import parse_utc


def _utc(text: str) -> object:
    try:
        return parse_utc(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time with zone, e.g. 2025-12-04T17:06:15Z ({exc})") from None


_UNITS = {"": 1, "K": 1000, "M": 1000**2, "G": 1000**3}


def _size(text: str) -> int:
    unit = text[-1:].upper() if text[-1:].upper() in ("K", "M", "G") else ""
    number = text[: len(text) - len(unit)]
    try:
        value = int(float(number) * _UNITS[unit])
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 900000000, 900M or 1G") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the budget must be positive")
    return value


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
    parser.add_argument("--clean", action="store_true",
                        help="ignore the build cache (.dist.cache/): validate and write every file")
    parser.add_argument("--max-bytes", type=_size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                        help="byte budget for dist/ (900M, 1G, ...); list variants that would "
                             "exceed it are dropped (default: 900M, under GitHub Pages' 1 GB)")
    parser.add_argument("--max-files", type=_size, default=DEFAULT_MAX_FILES, metavar="N",
                        help="file budget for dist/ (default: 20000, Cloudflare Pages' free-plan "
                             "limit, the tightest of the hosts served)")
    parser.add_argument("--precompute", action="append", default=[], metavar="URL",
                        help="an LL2 list URL to precompute (every page) before the planned "
                             "families, e.g. '/2.3.0/events/?type__ids=2,8&mode=list'; repeatable")
    parser.add_argument("--jobs", type=int, choices=(1, 2), default=DEFAULT_JOBS,
                        help="processes to build with: 2 writes the dumps and the human site "
                             f"beside the JSON mirror (default: {DEFAULT_JOBS} on this machine)")
    parser.add_argument("--verbose", action="store_true",
                        help="show a traceback with errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     help="optional: resolve, fetch or serve (without one, build the site)")
    resolve = commands.add_parser(
        "resolve", help="print the file of dist/ that answers an LL2 URL or query",
        description="Map an LL2 URL (path and query) to the static file that serves it.")
    resolve.add_argument("url", help="e.g. '/2.3.0/events/?mode=list&limit=100&offset=100'")
    _add_site_options(resolve)
    add_fetch_parser(commands)
    serve = commands.add_parser(
        "serve", help="a local LL2 on localhost over dist/ (files where built, else the engine)",
        description="Answer LL2 requests on localhost: precomputed files of dist/, other queries "
                    "from the snapshot by the Python engine (header X-LL2-Static says which).")
    serve.add_argument("--dist", type=Path, default=Path("dist"), metavar="DIR", help="built site (default: dist)")
    serve.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                       help="content folder whose snapshot/ dist/ was built from (default: content)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 = any free port)")
    return parser


RELATIVE_NOTE = ("note: no absolute --base-url (e.g. https://user.github.io/ll2-static): the "
                 "sitemap, the feeds, the iCalendar files and next/previous are relative links, and "
                 "robots.txt names no sitemap")


def _print_report(report: BuildReport, settings: BuildSettings) -> None:
    if not settings.base_url.startswith(("http://", "https://")):
        print(RELATIVE_NOTE, file=sys.stderr)
    if report.up_to_date:
        print(f"{settings.dist_dir}/ is up to date (same snapshot, options and code as its last build)")
        return
    assert report.tally is not None
    for drift in report.drift:
        print(drift, file=sys.stderr)
    events = ", ".join(f"{v}: {n} events" for v, n in report.events.items())
    families = dict(report.tally.files), dict(report.tally.bytes)
    if report.planner is not None:  # what the families do not count: manifest, compact data,
        files = report.planner.files - sum(families[0].values())  # host rules, the JS client
        if files > 0:
            families[0]["clients"] = files
            families[1]["clients"] = report.planner.bytes - sum(families[1].values())
    total_files, total_bytes = sum(families[0].values()), sum(families[1].values())
    print(f"built {settings.dist_dir}/ ({events}; now = {report.now:%Y-%m-%dT%H:%M:%SZ}): "
          f"{total_files} files ({report.reused} unchanged), {total_bytes:,} bytes")
    for family in sorted(families[0]):
        print(f"  {family:<10} {families[0][family]:>7} files {families[1][family]:>14,} bytes")
    if report.planner is not None:
        from generator.planner import report_lines

        for line in report_lines(report.planner):
            print(line)


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
        if args.command == "fetch":
            return run_fetch_command(args, os.environ)
        if args.command == "serve":
            from generator.serve import serve

            return serve(args.dist, args.content, args.host, args.port)
        settings = BuildSettings(content_dir=args.content, dist_dir=args.dist,
                                 base_url=args.base_url, now=args.now, strict=args.strict,
                                 clean=args.clean,
                                 max_bytes=args.max_bytes, max_files=args.max_files,
                                 precompute=tuple(args.precompute),
                                 cname=args.cname, jobs=args.jobs)
        from generator.progress import BuildProgress

        with BuildProgress(sys.stderr):
            report = build(settings)
        _print_report(report, settings)
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
