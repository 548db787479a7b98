"""Command line: a thin layer that turns options into BuildSettings and errors into messages.

python build.py [options]            build dist/ from the snapshot in content/
python build.py resolve URL          which file of dist/ answers an LL2 URL
python build.py fetch [options]      refresh content/snapshot/ from the LL2 API
python build.py serve [options]      a local LL2 on localhost over dist/
python build.py verify [--dist DIR]  check dist/ is one whole build, before publishing it
python build.py backfill-history     content/snapshot/history.ndjson from git, once
"""

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from generator.api.query import shown
from generator.context import BuildReport
from generator.errors import LL2StaticError, QueryError, SettingsError
from generator.fetch.cli import add_fetch_parser, run_fetch_command
from generator.load.snapshot import TimeOutOfRange, parse_now
from generator.pipeline import build
from generator.settings import DEFAULT_HOST, DEFAULT_JOBS, HOSTS, BuildSettings
from generator.site.plumbing import check_base_url, check_cname


def _utc(text: str) -> object:
    try:
        return parse_now(text)
    except TimeOutOfRange as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time with zone, e.g. 2025-12-04T17:06:15Z ({exc})"
        ) from None


def _serve_now(text: str) -> object:
    """serve --now: 'build', 'today' or a time."""
    return text if text in ("build", "today") else _utc(text)


_UNITS = {"": 1, "K": 1000, "M": 1000**2, "G": 1000**3}


def _size(text: str) -> int:
    unit = text[-1:].upper() if text[-1:].upper() in ("K", "M", "G") else ""
    number = text[: len(text) - len(unit)]
    try:
        value = int(float(number) * _UNITS[unit])
    except (ValueError, OverflowError):  # not a number, or inf/1e400/a 400-digit number
        raise argparse.ArgumentTypeError(
            f"{shown(text)} is not a size such as 900000000, 900M or 1G"
        ) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the budget must be positive")
    return value


def _cname(text: str) -> str:
    try:
        return check_cname(text)
    except SettingsError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--cname: ")) from None


def _base_url(text: str) -> str:
    try:
        return check_base_url(text)
    except SettingsError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--base-url: ")) from None


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dist",
        type=Path,
        default=Path("dist"),
        metavar="DIR",
        help="output folder, replaced whole at the end of a build (default: dist)",
    )
    parser.add_argument(
        "--base-url",
        type=_base_url,
        default="",
        metavar="URL",
        help="public URL of the site, e.g. https://user.github.io/ll2-static; "
        "used in next/previous links (default: '' = root-relative links)",
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the ll2-static mirror of the Launch Library 2 Events API from the "
        "snapshot in content/ (no network needed).",
    )
    _add_site_options(parser)
    parser.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DIR",
        help="content folder holding snapshot/ and pages/ (default: content)",
    )
    parser.add_argument(
        "--now",
        type=_utc,
        default=None,
        metavar="TIME",
        help="the build's 'now' for upcoming/previous lists, ISO 8601 with zone "
        "(default: the snapshot's as_of, so a snapshot always builds the same)",
    )
    parser.add_argument(
        "--cname",
        type=_cname,
        default=None,
        metavar="DOMAIN",
        help="custom domain for GitHub Pages, written to dist/CNAME (default: no CNAME file)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="fail on warnings such as schema drift (unknown fields)"
    )
    parser.add_argument(
        "--clean",
        action="store_true",
        help="ignore the build cache (.dist.cache/): validate and write every file",
    )
    parser.add_argument(
        "--host",
        choices=tuple(HOSTS),
        default=DEFAULT_HOST,
        help="the static host dist/ is published to, which sets the budget: "
        + "; ".join(f"{p.name}: {p.note}" for p in HOSTS.values())
        + f" (default: {DEFAULT_HOST})",
    )
    parser.add_argument(
        "--max-bytes",
        type=_size,
        default=None,
        metavar="SIZE",
        help="byte budget for dist/ (900M, 1G, ...), instead of the host's; list "
        "variants that would exceed it are dropped",
    )
    parser.add_argument(
        "--max-files",
        type=_size,
        default=None,
        metavar="N",
        help="file budget for dist/, instead of the host's",
    )
    parser.add_argument(
        "--precompute",
        action="append",
        default=[],
        metavar="URL",
        help="an LL2 list URL to precompute (every page) before the planned "
        "families, e.g. '/2.3.0/events/?type__ids=2,8&mode=list'; repeatable",
    )
    parser.add_argument(
        "--edge",
        action="store_true",
        help="also write dist/_worker.js for Cloudflare Pages (advanced mode) and "
        "the data it answers any query from (docs/edge.md); with a host that "
        "caps files, events are served by the worker instead of files",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        choices=(1, 2),
        default=DEFAULT_JOBS,
        help="processes to build with: 2 writes the dumps and the human site "
        f"beside the JSON mirror (default: {DEFAULT_JOBS} on this machine)",
    )
    parser.add_argument("--verbose", action="store_true", help="show a traceback with errors")
    commands = parser.add_subparsers(
        dest="command",
        metavar="COMMAND",
        help="optional: resolve, fetch, serve, verify or backfill-history (without one, build the site)",
    )
    resolve = commands.add_parser(
        "resolve",
        help="print the file of dist/ that answers an LL2 URL or query",
        description="Map an LL2 URL (path and query) to the static file that serves it.",
    )
    resolve.add_argument("url", help="e.g. '/2.3.0/events/?mode=list&limit=100&offset=100'")
    _add_site_options(resolve)
    add_fetch_parser(commands)
    serve = commands.add_parser(
        "serve",
        help="a local LL2 on localhost over dist/ (files where built, else the engine)",
        description="Answer LL2 requests on localhost: precomputed files of dist/, other queries "
        "from the snapshot by the Python engine (header X-LL2-Static says which).",
    )
    serve.add_argument(
        "--dist", type=Path, default=Path("dist"), metavar="DIR", help="built site (default: dist)"
    )
    serve.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DIR",
        help="content folder whose snapshot/ dist/ was built from (default: content)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 = any free port)")
    serve.add_argument(
        "--now",
        type=_serve_now,
        default="build",
        metavar="WHEN",
        help="what upcoming/previous are relative to: 'build' (default: the time dist/ was built "
        "for, the snapshot's as_of unless built with --now), 'today' (this machine's clock, at "
        "each request) or an ISO 8601 time with zone",
    )
    check = commands.add_parser(
        "verify",
        help="check dist/ is one whole build (before publishing it)",
        description="Finish what a killed build left (or stop if a build is landing now), then "
        "check every answer manifest.json lists against its size and sha256.",
    )
    check.add_argument(
        "--dist", type=Path, default=Path("dist"), metavar="DIR", help="built site (default: dist)"
    )
    backfill = commands.add_parser(
        "backfill-history",
        help="write content/snapshot/history.ndjson once from the snapshot's git history",
        description="Replay every commit that changed the snapshot (oldest first, each seen at its "
        "as_of) into the schedule history; an existing history file is merged in.",
    )
    backfill.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DIR",
        help="content folder holding snapshot/ (default: content)",
    )
    return parser


RELATIVE_NOTE = (
    "note: no absolute --base-url (e.g. https://user.github.io/ll2-static): the "
    "sitemap, the feeds, the iCalendar files and next/previous are relative links, and "
    "robots.txt names no sitemap"
)


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
    if report.budget is not None:  # what the families do not count: manifest, compact data,
        files = report.budget.files - sum(families[0].values())  # host rules, the JS client
        if files > 0:
            families[0]["clients"] = files
            families[1]["clients"] = report.budget.bytes - sum(families[1].values())
    total_files, total_bytes = sum(families[0].values()), sum(families[1].values())
    print(
        f"built {settings.dist_dir}/ ({events}; now = {report.now:%Y-%m-%dT%H:%M:%SZ}): "
        f"{total_files} files ({report.reused} unchanged), {total_bytes:,} bytes"
    )
    for family in sorted(families[0]):
        print(f"  {family:<10} {families[0][family]:>7} files {families[1][family]:>14,} bytes")
    if report.budget is not None:
        from generator.output.budget import report_lines

        for line in report_lines(report.budget):
            print(line)


def _resolve(args: argparse.Namespace) -> int:
    """The responder in file-only use (no snapshot): the file that answers, or why none does."""
    from generator.output.settle import settle
    from generator.responder import Request, Responder

    settings = BuildSettings(dist_dir=args.dist, base_url=args.base_url)
    settle(settings.dist_dir)  # never an answer from a half-landed build
    responder = Responder(settings.dist_dir, settings.base_path)
    answer = responder.answer(Request("GET", args.url, {"accept": "application/json"}))
    if answer.source == "error" and answer.error is not None:
        raise answer.error  # LL2's 400 or 404 for what the URL says: one Error: line
    if answer.source == "missing":  # the responder says which event, in which subset
        print(
            f'no such event: {args.url}: {answer.error} (LL2 answers 404 {{"detail": "Not found."}})',
            file=sys.stderr,
        )
        return 1
    if answer.source == "unanswered":
        if answer.file is None:
            raise answer.error or QueryError(f"{shown(args.url)}: no file can answer it")
        print(
            f"not precomputed: {args.url} (would be {answer.file}); the mirror has no file for this query",
            file=sys.stderr,
        )
        return 1
    if answer.status != 200 or answer.file is None:  # a redirect, a 404 page: no file answers
        where = f" to {answer.headers['Location']}" if "Location" in answer.headers else ""
        print(
            f"no file answers {shown(args.url)}: the answer is HTTP {answer.status}{where}", file=sys.stderr
        )
        return 1
    print(settings.dist_dir / answer.file.relative_to(responder.dist))
    return 0


def main(argv: Sequence[str] | None = None, *, leave: Callable[[int], NoReturn] | None = None) -> int:
    """Run one command; its exit code. `leave` (build.py's): called with the code instead of
    returning after a build, while the build's objects are still held (see BuildReport.held)."""
    args = make_parser().parse_args(argv)
    try:
        if args.command == "resolve":
            return _resolve(args)
        if args.command == "fetch":
            return run_fetch_command(args, os.environ)
        if args.command == "serve":
            from generator.serve import serve

            return serve(args.dist, args.content, args.host, args.port, args.now)
        if args.command == "verify":
            from generator.output.settle import verify

            print(f"{args.dist}/ is one whole build: {verify(args.dist)} answers match manifest.json")
            return 0
        if args.command == "backfill-history":
            from generator.fetch.backfill import backfill

            print(backfill(args.content / "snapshot").line())
            return 0
        settings = BuildSettings(
            content_dir=args.content,
            dist_dir=args.dist,
            base_url=args.base_url,
            now=args.now,
            strict=args.strict,
            clean=args.clean,
            host=args.host,
            max_bytes=args.max_bytes,
            max_files=args.max_files,
            precompute=tuple(args.precompute),
            cname=args.cname,
            jobs=args.jobs,
            edge=args.edge,
        )
        from generator.progress import BuildProgress

        with BuildProgress(sys.stderr):
            report = build(settings)
        _print_report(report, settings)
        if leave is not None:
            leave(0)
        return 0
    except (QueryError, SettingsError) as exc:  # the command line asks for what cannot be
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except LL2StaticError as exc:
        if args.verbose:
            traceback.print_exc()
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the file system refused (no space, a name too long): dist/ is as it was
        if args.verbose:
            traceback.print_exc()
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"Error: {where[:300]}{exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
