"""What an agent does in the console, step by step, as Playwright actions on the page."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from playwright.sync_api import Page, expect

from api.demo_callers import GenuineCaller
from tests.console.browser import Tab
from tests.console.served import Served

VERIFICATION_URL = re.compile(r"/console/verifications/(ver_[0-9a-f]+)$")
DONT_KNOW = None  # in an answer list: press "Caller doesn't know"


def sign_in(tab: Tab, served: Served, role: str = "helpdesk") -> Page:
    page = tab.page
    page.goto(served.console)
    page.get_by_label("Your API key").fill(served.keys[role])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def choose_employee(page: Page, person: dict[str, Any]) -> None:
    page.get_by_label("Employee name or email (UPN)").fill(person["name"])
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=person["name"]).click()


def start(page: Page, person: dict[str, Any], action: str, ticket: str = "INC0012345") -> str:
    choose_employee(page, person)
    page.get_by_label("What does the caller want?").select_option(action)
    page.get_by_label("Ticket number").fill(ticket)
    page.get_by_role("button", name="Start verification").click()
    page.wait_for_url(VERIFICATION_URL)
    match = VERIFICATION_URL.search(page.url)
    assert match, page.url
    return match.group(1)


def answer(tab: Tab, answers: list[str | None], shot: str | None = None) -> None:
    """One question at a time: type what the caller said (or press "doesn't know") and move on."""
    page = tab.page
    for index, said in enumerate(answers, start=1):
        step = page.locator(f"#step-{index}")
        expect(step).to_be_visible()
        if index < len(answers):
            expect(page.locator(f"#step-{index + 1}")).to_be_hidden()  # one at a time
        if said is DONT_KNOW:
            step.get_by_role("button", name="Caller doesn't know").click()
            continue
        step.get_by_label("What the caller said").fill(said)
        if shot and index == 1:
            tab.shot(shot)
        last = index == len(answers)
        name = "Send answers for a decision" if last else "Next question"
        step.get_by_role("button", name=name).click()
    page.wait_for_selector(".decision")


def genuine_answers(truth: dict[str, Any]) -> list[str | None]:
    """The demo's genuine caller: the employee answering from memory, imperfectly."""
    caller = GenuineCaller(seed=7)
    asked_at = datetime.fromisoformat(truth["created_at"])
    timezone = str(truth["generation"].get("timezone") or "UTC")
    return [
        caller.answer(q, asked_at=asked_at, timezone=timezone) for q in truth["question_details"]
    ]


WRONG = {
    "identifier": "the 4242 one",
    "person": "Alex Johnson",
    "datetime": "monday around 9 am",
    "text": "the quarterly planning review",
}


def attacker_answers(truth: dict[str, Any]) -> list[str | None]:
    """Plausible guesses for the first questions, then "doesn't know"."""
    questions = truth["question_details"]
    return [WRONG[q["kind"]] if i < 3 else DONT_KNOW for i, q in enumerate(questions)]


def secrets_of(truth: dict[str, Any]) -> list[str]:
    """What must never reach the help desk's browser: expected answers and their variants,
    graders' reasons and the decision's full reasons (they count right and wrong answers; the
    agent gets the policy's reasons for the agent instead)."""
    found = [str(v) for q in truth["question_details"] for v in [q["expected"], *q["variants"]]]
    found += [str(g["reason"]) for g in truth.get("grades", [])]
    told = set(truth.get("agent_reasons", []))
    found += [str(r) for r in truth.get("reasons", []) if r not in told]
    return [s for s in found if len(s.strip()) >= 4]
