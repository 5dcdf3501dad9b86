"""The real browser for the console tests: the system Chromium (Debian's `chromium` package)
driven by Playwright, headless, never downloaded. Every response the page receives is recorded
so a test can scan the traffic."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, Response

INSTALL = "apt-get update && apt-get install -y chromium chromium-driver"


def chromium_path() -> str:
    """The system Chromium; a missing browser fails the tests (it is never skipped)."""
    path = os.environ.get("DESKGUARD_CHROMIUM") or shutil.which("chromium")
    if not path:
        raise RuntimeError(f"the console browser tests need the system Chromium: {INSTALL}")
    return path


@dataclass
class Seen:
    """One response the browser received: its URL, status and body (empty for redirects)."""

    url: str
    status: int
    body: str


@dataclass
class Tab:
    page: Page
    shots: Path
    seen: list[Seen] = field(default_factory=list)

    def record(self, response: Response) -> None:
        try:
            body = response.body().decode("utf-8", "replace")
        except Exception:  # redirects have no body
            body = ""
        self.seen.append(Seen(response.url, response.status, body))

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def open_tab(browser: Browser, shots: Path, width: int = 1280, height: int = 800) -> Tab:
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = Tab(context.new_page(), shots)
    tab.page.on("response", tab.record)
    return tab
