"""A pytest plugin: with LL2_NO_SKIPS=1 (CI: tests.yml, .ci/run) a skipped test is a failure.

A test skips where a program it drives (workerd, actionlint, nginx, Node) is missing; in CI
every one is installed, so a skip there means the deploy gate did not test what it claims.
"""

import os
from collections.abc import Iterator

import pytest

ENV = "LL2_NO_SKIPS"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and os.environ.get(ENV):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, and {ENV} is set (CI runs every test): {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """A whole module skipped while collecting (`pytest.skip(allow_module_level=True)`)."""
    outcome = yield
    report: pytest.CollectReport = outcome.get_result()
    if report.skipped and os.environ.get(ENV):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, and {ENV} is set (CI runs every test): {reason}"
