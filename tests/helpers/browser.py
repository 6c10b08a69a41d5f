"""Debian's chromium driven by Playwright (``executable_path``; Playwright's own browser
download is never used), the page every browser test uses (``guarded_page``), and axe-core
for accessibility checks.

``guarded_page`` fails the test that used it on a JavaScript error on the page, on a
Content-Security-Policy violation the browser reports, and on any request to a host other
than this machine: such a request is aborted, and counted against the test unless the test
expected it (a partner's image, served from the partner's own server).

axe-core comes from npm through the project's own files: ``tests/browser/package.json`` and
its lockfile, installed by ``make test`` (``scripts/ensure-axe.sh``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, ViewportSize, sync_playwright

__all__ = [
    "AXE",
    "CHROMIUM",
    "FLAGS",
    "Outside",
    "assert_accessible",
    "axe_violations",
    "chromium",
    "guarded_page",
    "launch",
    "lefts_of",
]

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
PHONE: ViewportSize = {"width": 390, "height": 844}
"""A phone's screen, as the pages' narrow-width tests open them."""


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


@contextmanager
def launch() -> Iterator[Browser]:
    """A browser for tests that open contexts of their own (a viewport, a language)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is not installed; `make test` installs it "
            "(scripts/ensure-chromium.sh)"
        )
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield found
        finally:
            found.close()


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""
"""Every Content-Security-Policy violation is logged to the console, where the guard sees it."""


@dataclass
class Outside:
    """Requests the page tried to send beyond this machine (all aborted), and those the test
    expects: exact URLs, or images from the given hosts (the partners' image servers)."""

    attempted: list[str] = field(default_factory=list)
    expected: set[str] = field(default_factory=set)
    image_hosts: set[str] = field(default_factory=set)
    images: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        request = route.request
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
            return
        if request.resource_type == "image" and parts.hostname in self.image_hosts:
            self.images.append(request.url)
        else:
            self.attempted.append(request.url)
        route.abort("blockedbyclient")

    def unexpected(self) -> list[str]:
        return [url for url in self.attempted if url not in self.expected]


@contextmanager
def guarded_page(
    opener: Browser | BrowserContext, outside: Outside | None = None, **options: Any
) -> Iterator[Page]:
    """A new page (in a new context when ``opener`` is a browser: ``options`` are the
    context's, e.g. ``viewport``) that fails the test, when the block ends, on JavaScript
    errors, CSP violations and requests beyond this machine (see ``Outside``)."""
    outside = outside if outside is not None else Outside()
    context = opener.new_context(**options) if isinstance(opener, Browser) else None
    page = context.new_page() if context is not None else opener.new_page()
    page.add_init_script(REPORT_VIOLATIONS)
    page.route("**/*", outside.route)
    errors: list[str] = []
    violations: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "CSP violation" in msg.text or "Content Security Policy" in msg.text
            else None
        ),
    )
    try:
        yield page
    finally:
        page.close()
        if context is not None:
            context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
    assert violations == [], f"Content-Security-Policy violations: {violations}"
    unexpected = outside.unexpected()
    assert unexpected == [], f"the page tried to reach beyond this machine: {unexpected}"


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


_LEFTS_OF = """([selector, words]) => {
  const walker = document.createTreeWalker(
    document.querySelector(selector), NodeFilter.SHOW_TEXT);
  let text = walker.nextNode();
  while (text && !words.every((word) => text.data.includes(word))) text = walker.nextNode();
  if (!text) return null;
  return words.map((word) => {
    const range = document.createRange();
    const at = text.data.indexOf(word);
    range.setStart(text, at);
    range.setEnd(text, at + word.length);
    return range.getBoundingClientRect().left;
  });
}"""


def lefts_of(page: Page, selector: str, words: list[str]) -> list[float]:
    """Where each of ``words`` begins on the screen (its left edge, in pixels), in the first
    text under ``selector`` that holds them all: which of two figures a reader meets first, on
    a page written right to left or left to right. Fails when no text holds them all."""
    found: list[float] | None = page.evaluate(_LEFTS_OF, [selector, words])
    assert found is not None, f"no text under {selector!r} holds all of {words}"
    return found
