"""The console in a real browser: keyboard only at 1024 wide, expiry, CSRF, and roles."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, expect

from api.storage import Database
from tests.console.browser import Tab, open_tab
from tests.console.flows import VERIFICATION_URL, genuine_answers, sign_in, start
from tests.console.served import Served


def started_count(served: Served) -> int:
    db = Database(f"sqlite:///{served.data_dir / 'deskguard.db'}")
    try:
        return len(db.list_verifications(limit=1000))
    finally:
        db.engine.dispose()


def focused(page: Page, script: str = "el => el.id") -> str:
    return str(page.evaluate(f"({script})(document.activeElement)"))


def tab_until(page: Page, wanted: Callable[[], bool], limit: int = 40) -> None:
    for _ in range(limit):
        if wanted():
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the element (focus on {focused(page)!r})")


def assert_focus_visible(page: Page) -> None:
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert style[0] != "none" and style[1] >= 2, style


def test_keyboard_only_completion_at_1024_wide(
    browser: Browser, shots, served: Served, people
) -> None:
    tab = open_tab(browser, shots, width=1024, height=768)
    page, keys = tab.page, tab.page.keyboard
    page.goto(served.console)
    assert focused(page) == "key"  # the key field has the focus on arrival
    keys.type(served.keys["helpdesk"])
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/console/start$"))
    assert focused(page) == "q"
    name = people["fresh"]["name"]
    keys.type(name)
    keys.press("Enter")
    page.wait_for_url(re.compile(r"q="))
    tab_until(page, lambda: focused(page, "el => el.textContent") == name)
    assert_focus_visible(page)
    keys.press("Enter")
    page.wait_for_url(re.compile(r"employee="))
    assert focused(page) == "action"
    keys.type("p")  # type-ahead: "Password reset"
    assert page.eval_on_selector("#action", "el => el.value") == "password_reset"
    keys.press("Tab")
    keys.type("INC0077777")
    keys.press("Enter")
    page.wait_for_url(VERIFICATION_URL)
    verification = VERIFICATION_URL.search(page.url).group(1)  # type: ignore[union-attr]
    truth = served.truth(verification)
    for index, (question, said) in enumerate(
        zip(truth["question_details"], genuine_answers(truth), strict=True)
    ):
        assert focused(page) == f"answer-{question['id']}"  # each question takes the focus
        if index == 1:  # the caller forgot one: Tab to the button and press it
            keys.press("Tab")
            assert focused(page, "el => el.textContent") == "Caller doesn't know"
            assert_focus_visible(page)
            keys.press("Enter")
            continue
        keys.type(str(said))
        keys.press("Enter")  # Enter moves on; after the last question it sends the answers
    page.wait_for_selector(".decision")
    expect(page.locator(".decision.allow")).to_be_visible()
    tab_until(page, lambda: focused(page) == "copy")
    keys.press("Enter")
    expect(page.locator("#copy-status")).to_contain_text(re.compile("Copied|Ctrl\\+C"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024  # no sideways scroll
    tab.shot("06-keyboard-only-1024")
    page.context.close()


def test_expired_verification_is_refused(tab: Tab, servers: dict[str, Served], people) -> None:
    short = servers["short"]  # verifications expire after 30 s
    page = sign_in(tab, short)
    verification = start(page, people["covered"], "password_reset")
    expect(page.locator("#countdown-value")).to_have_text(re.compile(r"^0 min \d\d s$"))
    page.locator("#answers textarea").first.fill("the caller is still thinking")
    expect(page.locator("#expired-msg")).to_be_visible(timeout=90_000)
    expect(page.locator("#countdown-value")).to_have_text("expired")
    expect(page.locator("#answers textarea").first).to_be_disabled()
    tab.shot("07-expired")
    # The server refuses the answers too, even when the page is tampered with to send them.
    page.evaluate(
        "() => { document.querySelectorAll('#answers [disabled]')"
        ".forEach(el => { el.disabled = false; }); document.getElementById('answers').submit(); }"
    )
    expect(page.get_by_role("heading", name="This verification expired")).to_be_visible()
    expect(page.get_by_text("expired; start a new one")).to_be_visible()
    truth = short.truth(verification)
    assert truth["status"] == "pending" and not truth["grades"]  # nothing was graded


class _EvilSite(BaseHTTPRequestHandler):
    """Another origin on loopback serving a form that posts to the console."""

    target = ""

    def do_GET(self) -> None:
        body = (
            f'<form method="post" action="{self.target}/verifications">'
            '<input name="employee" value="marcus.bell@larkspurgoods.example">'
            '<input name="action" value="password_reset">'
            '<input name="csrf" value="guessed"><button>Win a prize</button></form>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def evil_site(served: Served) -> Iterator[str]:
    handler = type("Evil", (_EvilSite,), {"target": served.console})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_csrf_refused(tab: Tab, served: Served, people, evil_site: str) -> None:
    page = sign_in(tab, served)
    before = started_count(served)
    page.goto(f"{served.console}/start?employee={people['covered']['employee']}")
    page.eval_on_selector(
        "form[action='/console/verifications'] input[name=csrf]", "el => { el.value = 'forged'; }"
    )
    page.get_by_role("button", name="Start verification").click()
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_text("This form has expired")).to_be_visible()
    tab.shot("08-csrf-refused")
    page.goto(evil_site)  # signed in, the agent visits another site that posts the form
    page.get_by_role("button", name="Win a prize").click()
    page.wait_for_load_state()
    assert "/console/verifications" in page.url
    expect(page.locator("main")).to_contain_text(re.compile("another site|sign in", re.I))
    assert started_count(served) == before  # neither post started a verification


def test_help_desk_session_is_refused_from_security_pages(
    browser: Browser, shots, served: Served, people
) -> None:
    helpdesk = open_tab(browser, shots)
    verification = start(sign_in(helpdesk, served), people["thin"], "mfa_reset")
    paths = ["/security", f"/security/verifications/{verification}", "/audit"]
    for path in paths:
        response = helpdesk.page.goto(served.console + path)
        assert response is not None and response.status == 403, path
        expect(helpdesk.page.get_by_role("heading", name="Not allowed")).to_be_visible()
    helpdesk.shot("09-helpdesk-refused")
    helpdesk.page.context.close()

    security = open_tab(browser, shots)
    page = sign_in(security, served, "security")
    page.wait_for_url(re.compile(r"/console/security$"))
    page.get_by_role("row").filter(has_text=people["thin"]["employee"]).first.get_by_role(
        "link"
    ).click()
    expect(page.get_by_role("heading", name=f"Verification {verification}")).to_be_visible()
    expect(page.get_by_text("not enough recent work context")).to_be_visible()
    security.shot("10-security-verification")
    assert page.goto(served.console + "/audit").status == 403  # security is not an auditor
    security.page.context.close()

    auditor = open_tab(browser, shots)
    page = sign_in(auditor, served, "auditor")
    page.goto(served.console + "/audit")
    expect(page.get_by_text("Intact")).to_be_visible()
    expect(page.get_by_role("heading", name="Sources read (manifest)")).to_be_visible()
    auditor.shot("11-audit")
    auditor.page.context.close()
