"""The IdP sign-in in a real browser (system Chromium) against `deskguard serve`: the issuer is
named "localhost" and the console "127.0.0.1", so the browser treats them as two sites, as a
real IdP and deskguard are. This is what proves the SameSite=Strict session survives the IdP's
redirect back (a TestClient sends every cookie)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.console.browser import Tab
from tests.console.served import Served, ready, start
from tests.fakes.oidc_issuer import CLIENT_ID, CLIENT_SECRET, FakeIssuer


@pytest.fixture(scope="module")
def issuer() -> Iterator[FakeIssuer]:
    fake = FakeIssuer(host="localhost", interactive=True).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def idp_served(issuer: FakeIssuer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = start(
        tmp_path_factory.mktemp("console-idp") / "serve",
        {
            "DESKGUARD_OIDC__ISSUER": issuer.url,
            "DESKGUARD_OIDC__CLIENT_ID": CLIENT_ID,
            "DESKGUARD_OIDC__CLIENT_SECRET": CLIENT_SECRET,
            "DESKGUARD_OIDC__DISPLAY_NAME": "Corp SSO",
        },
    )
    try:
        yield ready(served)
    finally:
        served.stop()


def test_an_agent_signs_in_with_the_idp_and_reaches_the_start_page(
    tab: Tab, idp_served: Served
) -> None:
    page = tab.page
    page.goto(idp_served.console)
    link = page.get_by_role("link", name="Sign in with Corp SSO")
    expect(link).to_be_visible()
    tab.shot("10-sign-in-idp")
    link.click()
    page.get_by_role("link", name="Continue").click()  # on the IdP's page: another site
    expect(page.get_by_role("heading", name="New verification")).to_be_visible()
    assert page.url.endswith("/console/start")
    expect(page.get_by_text("Signed in as helpdesk (oidc:00u1agent)")).to_be_visible()
    tab.shot("11-signed-in-idp")


def test_a_refused_idp_sign_in_is_a_page_in_words(
    tab: Tab, idp_served: Served, issuer: FakeIssuer
) -> None:
    issuer.id_claims = {"roles": []}  # signed in at the IdP, but no deskguard role
    try:
        page = tab.page
        page.goto(idp_served.console)
        page.get_by_role("link", name="Sign in with Corp SSO").click()
        page.get_by_role("link", name="Continue").click()
        expect(page.get_by_role("heading", name="Sign-in failed")).to_be_visible()
        expect(page.get_by_text("carries no deskguard role")).to_be_visible()
        page.goto(idp_served.console)
        expect(page.get_by_role("heading", name="Sign in to the help-desk console")).to_be_visible()
    finally:
        issuer.id_claims = {}
