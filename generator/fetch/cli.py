"""`python build.py fetch`: options -> FetchSettings, real HTTP client and clock, a summary line.

Kept apart from cli.py so the build's command line stays small; cli.py only wires it in.
"""

import argparse
import math
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from generator.errors import LL2StaticError
from generator.fetch.options import DEV_API, PRODUCTION_API, TOKEN_VARIABLE, FetchSettings
from generator.fetch.secrets import Redactor
from generator.fetch.summary import SummaryFile

#: The longest --reconcile-every: about 114 years (a larger one overflows a timedelta).
MAX_HOURS = 1e6


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and 0 <= value <= MAX_HOURS):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number of hours (0 to {MAX_HOURS:,.0f})")
    return value


def add_fetch_parser(commands: Any) -> None:
    """The `fetch` subcommand and its options."""
    fetch = commands.add_parser(
        "fetch",
        help="refresh the snapshot in content/ from the LL2 API (needs network)",
        description="Fetch LL2 events into content/snapshot/: incremental when the snapshot has "
        "high-water marks, full otherwise; stops cleanly when the request budget is "
        f"spent and resumes next run. The API key is read from ${TOKEN_VARIABLE}.",
    )
    fetch.add_argument(
        "--full",
        action="store_true",
        help="fetch everything, ignoring high-water marks (resumes a full fetch already under way)",
    )
    fetch.add_argument(
        "--api-url",
        default=PRODUCTION_API,
        metavar="URL",
        help=f"LL2 host (default: {PRODUCTION_API}; the dev host is {DEV_API})",
    )
    fetch.add_argument(
        "--max-requests",
        type=_positive,
        default=15,
        metavar="N",
        help="requests this run may make, retries included (default: 15)",
    )
    fetch.add_argument(
        "--per-hour",
        type=_positive,
        default=15,
        metavar="N",
        help="requests in any hour across runs (default: 15, LL2's free tier)",
    )
    fetch.add_argument(
        "--reconcile-every",
        type=_hours,
        default=24.0,
        metavar="HOURS",
        help="how often an incremental run lists every id to find events deleted upstream (default: 24)",
    )
    fetch.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DIR",
        help="content folder holding snapshot/ (default: content)",
    )
    fetch.add_argument(
        "--summary-json",
        type=Path,
        default=None,
        metavar="PATH",
        help='write {"added","changed","removed","rescheduled","requests","complete"} here',
    )
    # SUPPRESS: without the option here, `build.py --verbose fetch` keeps the main parser's value.
    fetch.add_argument(
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show a traceback with errors",
    )


def settings_from(args: argparse.Namespace, environ: Mapping[str, str]) -> FetchSettings:
    """FetchSettings from parsed options and the environment (the token only)."""
    return FetchSettings(
        content_dir=args.content,
        api_url=args.api_url,
        token=environ.get(TOKEN_VARIABLE) or None,
        full=args.full,
        max_requests=args.max_requests,
        per_hour=args.per_hour,
        reconcile_every=timedelta(hours=args.reconcile_every),
    )


def run_fetch_command(args: argparse.Namespace, environ: Mapping[str, str], clock: Any = None) -> int:
    """Run one fetch; print the summary line; LL2StaticError goes up to the CLI's handler."""
    import httpx  # here, not at the top: a build does not need it

    from generator.fetch import SystemClock, run_fetch
    from generator.fetch.progress import Progress

    settings = settings_from(args, environ)
    redact = Redactor(settings.secrets())
    clock = clock or SystemClock()
    progress = Progress(sys.stderr)
    with SummaryFile(args.summary_json) as summary:  # refused here, before the snapshot is touched
        try:
            with httpx.Client(headers={"User-Agent": "ll2-static fetch"}) as http:
                report = run_fetch(settings, http, clock, progress=progress)
        except LL2StaticError as exc:
            exc.args = (redact(str(exc)),)  # the last guard: the CLI prints the message
            # A failed run changed nothing; CI still gets a summary saying so.
            summary.write(
                {
                    "added": 0,
                    "changed": 0,
                    "removed": 0,
                    "rescheduled": 0,
                    "requests": progress.requests,
                    "complete": False,
                }
            )
            raise
        summary.write(report.summary())
    print(redact(report.line()))
    return 0
