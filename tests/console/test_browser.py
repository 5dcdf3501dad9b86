"""The console in a real browser (system Chromium, headless) against `deskguard serve`."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.console.browser import Tab
from tests.console.flows import (
    answer,
    attacker_answers,
    genuine_answers,
    secrets_of,
    sign_in,
    start,
)
from tests.console.served import Served

FORBIDDEN = re.compile(r"\b(expected|verdicts?|scores?)\b", re.IGNORECASE)


def assert_nothing_leaked(tab: Tab, truth: dict) -> None:
    """Every response the browser received: no expected answer, grade or score in any body."""
    secrets = [s.casefold() for s in secrets_of(truth)]
    assert secrets and tab.seen
    for seen in tab.seen:
        body = seen.body.casefold()
        leaked = [s for s in secrets if s in body]
        assert not leaked, f"{seen.url} carried {leaked}"
        assert not FORBIDDEN.search(seen.body), f"{seen.url}: {FORBIDDEN.search(seen.body)}"
    loaded = {s.url.rsplit("/", 1)[-1] for s in tab.seen}
    assert {"console.css", "console.js"} <= loaded  # the scan covered the page's assets too


UNLABELLED = """() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter(el => el.type !== "hidden" && el.labels.length === 0 && !el.getAttribute("aria-label"))
  .map(el => el.name || el.id)"""


def assert_page_fits_and_is_labelled(tab: Tab, width: int = 1280) -> None:
    assert tab.page.evaluate(UNLABELLED) == []  # every field has a label
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= width


def test_genuine_caller_is_allowed_and_nothing_leaks(tab: Tab, served: Served, people) -> None:
    page = tab.page
    page.goto(served.console)
    tab.shot("01-sign-in")
    sign_in(tab, served)
    expect(page.get_by_role("heading", name="New verification")).to_be_visible()
    verification = start(tab.page, people["covered"], "password_reset")
    truth = served.truth(verification)
    first = truth["question_details"][0]["text"]
    expect(page.locator(".read-aloud").first).to_have_text(f"“{first}”")
    expect(page.locator("#countdown-value")).to_have_text(re.compile(r"\d+ min \d\d s"))
    assert_page_fits_and_is_labelled(tab)

    answer(tab, genuine_answers(truth), shot="02-ask")

    expect(page.locator(".decision.allow")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Verified"))).to_be_visible()
    line = page.get_by_label("Paste this line into the ticket's work notes").input_value()
    assert verification in line and "ALLOW" in line and "INC0012345" in line
    assert "valid until" in line
    expect(page.locator(".grant")).to_contain_text(re.compile(r"expires at\s+\d\d:\d\d UTC"))
    assert_page_fits_and_is_labelled(tab)
    tab.shot("03-decide-allow")
    assert_nothing_leaked(tab, served.truth(verification))


def test_attacker_is_denied_and_told_to_transfer(tab: Tab, served: Served, people) -> None:
    page = sign_in(tab, served)
    verification = start(page, people["covered"], "password_reset", ticket="INC0099999")
    truth = served.truth(verification)

    answer(tab, attacker_answers(truth))

    expect(page.locator(".decision.deny")).to_be_visible()
    expect(page.get_by_text("Do not reset or change anything")).to_be_visible()
    transfer = page.get_by_text(re.compile("transfer them to the identity security team"))
    expect(transfer).to_be_visible()
    tab.shot("04-decide-deny")
    assert_nothing_leaked(tab, served.truth(verification))


def test_thin_context_employee_escalates_without_questions(
    tab: Tab, served: Served, people
) -> None:
    page = sign_in(tab, served)
    start(page, people["thin"], "password_reset", ticket="INC0000042")

    expect(page.locator(".decision.escalate")).to_be_visible()
    expect(page.get_by_text(re.compile("Transfer the caller to"))).to_be_visible()
    assert page.locator(".question").count() == 0
    tab.shot("05-thin-context-escalate")


def test_a_link_from_the_ticketing_system_opens_the_form_filled_in(
    tab: Tab, served: Served, people
) -> None:
    page = sign_in(tab, served)
    upn = people["covered"]["employee"]
    page.goto(f"{served.console}/start?employee={upn}&ticket=INC0055555")
    expect(page.get_by_role("heading", name=f"Verify {people['covered']['name']}")).to_be_visible()
    expect(page.get_by_label("Ticket number")).to_have_value("INC0055555")
    assert_page_fits_and_is_labelled(tab)
