"""Browser fixtures: two `deskguard serve` processes (the usual one, and one whose
verifications expire after 30 s), the system Chromium, and a screenshot folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.console.browser import Tab, chromium_path, open_tab
from tests.console.served import Served, add_keys, employees, ready, start

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "reports" / "console"
SHORT_TTL = "30"


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Served]]:
    # Both start together (each builds the demo tenant), then get their keys.
    root = tmp_path_factory.mktemp("console")
    started = {
        "main": start(root / "main"),
        "short": start(root / "short", {"DESKGUARD_VERIFICATION_TTL_SECONDS": SHORT_TTL}),
    }
    try:
        for served in started.values():
            ready(served)
            add_keys(served)
        yield started
    finally:
        for served in started.values():
            served.stop()


@pytest.fixture(scope="session")
def served(servers: dict[str, Served]) -> Served:
    return servers["main"]


@pytest.fixture(scope="session")
def people(served: Served) -> dict[str, dict[str, str]]:
    """A well-covered employee (an identity admin), a thin-context one (a new hire), and a
    well-covered one only the keyboard-only test verifies (a verification withholds the facts
    it asked for 24 h, so the admin's later sets are weaker than a fresh one)."""
    rows = employees(served)
    return {
        "covered": next(r for r in rows if r["role"] == "it_admin" and not r["thin"]),
        "fresh": next(r for r in rows if r["role"] == "engineer" and not r["thin"]),
        "thin": next(r for r in rows if r["thin"]),
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: while Playwright's sync API is open its event loop is the thread's running
    # loop, which would break asyncio.run() in every test module after this one.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[
                "--no-sandbox",  # CI runs as root
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-domain-reliability",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture
def tab(browser: Browser, shots: Path) -> Iterator[Tab]:
    opened = open_tab(browser, shots)
    yield opened
    opened.page.context.close()
