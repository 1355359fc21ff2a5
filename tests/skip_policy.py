"""Under ``CI=true`` a skipped test fails: a green CI must mean that every selected test ran.

Locally, a test whose prerequisites are missing (``../shared/data``, torch, two logical CPUs) is
skipped with the reason; in CI the same reason becomes a failure (a test module skipped as a whole,
e.g. by a module-level ``importorskip``, becomes a collection error). Expected failures (``xfail``)
are not skips and keep their meaning.
"""
import os

import pytest


def on_ci(environ=os.environ):
    return environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # pylint: disable=unused-argument
    report = (yield).get_result()
    if report.skipped and on_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true (CI must run every test): {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):  # pylint: disable=unused-argument
    report = (yield).get_result()
    if report.skipped and on_ci():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true (CI must run every test): {reason}"
