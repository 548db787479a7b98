"""The budget of dist/ (`DistBudget`): the host's limits (`settings.Limits`), what the
build's staging output counted against them, which variants they admit, the check before
the swap, and the report of what was kept and dropped.

The core site (every event, the core lists, the dumps, the human site, the client data) is
counted from what the staging output wrote (`count`); list variants are admitted in the planner's order
while they fit (`DistBudget.admit`, keeping RESERVE_* back for what is written after them);
`settle` replaces the running count with the files really written and checks the totals and
each file's size, so an over-budget build leaves dist/ alone.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.api.versions import DEFAULT_LIMIT, MAX_LIMIT, SUBSETS
from generator.errors import BudgetError
from generator.settings import UNLIMITED, Limits

#: Bytes and files kept back for what is written after the variants (host rules, manifest end).
RESERVE_BYTES = 2_000_000
RESERVE_FILES = 8


#: The report's shares of what was planned.
GROUPS = ("single-filter lists, default ordering", "other orderings", "type pairs")


@dataclass
class FamilyReport:
    """What one family precomputed and dropped: lists, files and bytes."""

    kept_lists: int = 0
    kept_files: int = 0
    kept_bytes: int = 0
    dropped_lists: int = 0
    dropped_files: int = 0
    dropped_bytes: int = 0


@dataclass
class DistBudget:
    """What dist/ may hold (`limits`, the host's) and what the build has spent of it: the
    core site is spent, variants are admitted while they fit, and the whole is settled and
    checked against the real files before the swap."""

    limits: Limits
    files: int = 0
    bytes: int = 0
    families: dict[str, FamilyReport] = field(default_factory=dict)
    groups: dict[str, FamilyReport] = field(default_factory=dict)

    def count(self, files: int, size: int) -> None:
        """What the staging output holds so far (it counts every write) replaces what was
        counted: the stages never spend by hand."""
        self.files, self.bytes = files, size

    def settle(self, files: int, size: int, sizes: Iterable[tuple[str, int]]) -> None:
        """The files and bytes dist/ will really hold replace what was counted; raise
        BudgetError when they, or one file of `sizes` (path, bytes), exceed the limits."""
        self.count(files, size)
        self.check("the site")
        limit = self.limits.max_file_bytes
        for relpath, file_size in sizes:
            if file_size > limit:
                self.check_file(relpath, file_size)

    def check_file(self, relpath: str, size: int) -> None:
        """Raise BudgetError for a file larger than the host takes."""
        if size > self.limits.max_file_bytes:
            raise BudgetError(
                f"{relpath} is {size:,} bytes, over the host's limit of {self.limits.max_file_bytes:,} "
                "bytes a file"
            )

    def check(self, what: str) -> None:
        """Raise BudgetError when what has been spent already exceeds the budget."""
        if self.bytes > self.limits.max_bytes or self.files > self.limits.max_files:
            raise BudgetError(
                f"{what} needs {self.files:,} files and {self.bytes:,} bytes, over the budget of "
                f"{_limit(self.limits.max_files, 'files')} and {_limit(self.limits.max_bytes, 'bytes')}; "
                "choose another --host, raise --max-files/--max-bytes or publish fewer modes"
            )

    def admit(self, family: str, files: int, size: int, *groups: str) -> bool:
        """Keep a variant of `files` files and `size` bytes if it fits; record the decision
        under its family and each of its groups (Variant.group, Variant.tier)."""
        fits = (
            self.files + files + RESERVE_FILES <= self.limits.max_files
            and self.bytes + size + RESERVE_BYTES <= self.limits.max_bytes
        )
        if fits:
            self.files += files
            self.bytes += size
        for name, reports in ((family, self.families), *((group, self.groups) for group in groups)):
            report = reports.get(name)
            if report is None:
                report = reports[name] = FamilyReport()
            if fits:
                report.kept_lists += 1
                report.kept_files += files
                report.kept_bytes += size
            else:
                report.dropped_lists += 1
                report.dropped_files += files
                report.dropped_bytes += size
        return fits


def _limit(value: int, unit: str) -> str:
    return f"no {unit.rstrip('s')} limit" if value >= UNLIMITED else f"{value:,} {unit}"


def _group_order(group: str) -> tuple[int, int, str]:
    """Groups in GROUPS' order, each single-filter tier under the first, in the budget order."""
    if group in GROUPS:
        return (GROUPS.index(group), 0, "")
    order = [
        f"{s}, {m}, limit {n}"
        for n in (DEFAULT_LIMIT, MAX_LIMIT)
        for s in SUBSETS
        for m in ("default mode", "other modes")
    ]
    text = group.strip().removeprefix("of which ")
    return (0, 1 + (order.index(text) if text in order else len(order)), text)


def page_size_shares(groups: dict[str, FamilyReport]) -> list[str]:
    """The share kept of the single-filter lists at each page size (every subset and mode)."""
    lines = []
    for limit in (DEFAULT_LIMIT, MAX_LIMIT):
        tiers = [r for g, r in groups.items() if g not in GROUPS and g.endswith(f", limit {limit}")]
        kept, lists = sum(r.kept_lists for r in tiers), sum(r.kept_lists + r.dropped_lists for r in tiers)
        size = sum(r.kept_bytes for r in tiers)
        needed = size + sum(r.dropped_bytes for r in tiers)
        lines.append(
            f"    of which limit {limit}, every subset and mode: {kept:,} of {lists:,} lists "
            f"({100 * kept / max(lists, 1):.1f}%; {size:,} of {needed:,} bytes)"
        )
    return lines


def report_lines(budget: DistBudget) -> list[str]:
    """The budget's report: per family, what was precomputed and what was dropped, then the
    share kept of each group (Variant.group)."""
    limits = budget.limits
    lines = [
        f"variants (budget {_limit(limits.max_files, 'files')}, {_limit(limits.max_bytes, 'bytes')}):",
        f"  {'family':<22}{'kept lists':>11}{'files':>9}{'bytes':>15}  "
        f"{'dropped lists':>13}{'files':>9}{'bytes':>15}",
    ]
    for family, r in budget.families.items():
        lines.append(
            f"  {family:<22}{r.kept_lists:>11,}{r.kept_files:>9,}{r.kept_bytes:>15,}  "
            f"{r.dropped_lists:>13,}{r.dropped_files:>9,}{r.dropped_bytes:>15,}"
        )
    for group in sorted(budget.groups, key=_group_order):
        r = budget.groups[group]
        lists = r.kept_lists + r.dropped_lists
        needed = r.kept_bytes + r.dropped_bytes
        lines.append(
            f"  kept {r.kept_lists:,} of {lists:,} {group.strip()} "
            f"({100 * r.kept_lists / max(lists, 1):.1f}%; "
            f"{r.kept_bytes:,} of {needed:,} bytes)"
            if group in GROUPS
            else f"    {group.strip()}: {r.kept_lists:,} of {lists:,} lists, {r.kept_bytes:,} of {needed:,} "
            "bytes"
        )
        if group == GROUPS[0]:
            lines += page_size_shares(budget.groups)
    return lines
