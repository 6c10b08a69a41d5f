"""Debian's chromium driven by Playwright (``executable_path``; Playwright's own browser
download is never used), and axe-core for accessibility checks.

axe-core comes from npm through the project's own files: ``tests/browser/package.json`` and
its lockfile, installed by ``make test`` (``scripts/ensure-axe.sh``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

__all__ = ["AXE", "CHROMIUM", "FLAGS", "assert_accessible", "axe_violations", "chromium"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[1] / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")


@contextmanager
def chromium(profile: Path, **options: Any) -> Iterator[BrowserContext]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is not installed; `make test` installs it "
            "(scripts/ensure-chromium.sh)"
        )
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=FLAGS, headless=True, **options
        )
        try:
            yield context
        finally:
            context.close()


def axe_violations(page: Page, impacts: tuple[str, ...] = SEVERE) -> list[dict[str, Any]]:
    """axe-core's violations of the given impacts on the page as it is now. The script is
    evaluated through the DevTools protocol, so a Content-Security-Policy does not block it."""
    if not AXE.is_file():
        pytest.fail(
            f"axe-core is not installed at {AXE}; `make test` installs it "
            "(npm ci in tests/browser, scripts/ensure-axe.sh)"
        )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violation on the page (each one listed if any)."""
    found = axe_violations(page)
    summary = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [node["target"] for node in v["nodes"][:5]],
        }
        for v in found
    ]
    assert not found, f"axe-core on {page.url}:\n{json.dumps(summary, indent=2)}"
