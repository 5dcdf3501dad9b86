from dataclasses import dataclass, field

import pytest

from grading.models import Verdict
from grading.text import listed_other, match_text

C, P, X = Verdict.CORRECT, Verdict.PARTIAL, Verdict.INCORRECT
LOYALTY = "Loyalty API migration to Postgres 16"
SSO = "Fix login timeout on SSO page"
SAML = "Re: SAML request to connect Coupa to Okta"


@dataclass(frozen=True)
class Case:
    expected: str
    response: str
    verdict: Verdict
    variants: list[str] = field(default_factory=list)


CASES = [
    # Partial recall that is specific and brings nothing wrong is how people answer on the phone.
    Case("Board risk committee prep", "risk committee prep", C),
    Case("Board risk committee prep", "pretty sure it was the risk committee", C),
    Case("Board risk committee prep", "risk appetite statement", X),  # brings its own words
    # A 4+ digit number of the answer is specific enough; a year or a wrong digit is not.
    Case("Re: SKU 4417302 sell-through below plan", "the 4417302 one, below plan", C),
    Case("Re: SKU 4417302 sell-through below plan", "sku 4417303 below plan", X),
    Case("Q4 planning 2026", "planning 2026", X),
    Case(LOYALTY, "migrating loyalty api to postgres", C),  # paraphrase, number dropped
    Case(LOYALTY, "loyalty api to postgres 16 migration", C),  # word order
    Case(LOYALTY, "postgres upgrade for the loyality api", C),  # typo
    Case(LOYALTY, "the migration", X),  # generic subset of the expected answer
    Case(LOYALTY, "the loyalty thing", X),
    Case(LOYALTY, "Postgres 15 migration for loyalty API", X),  # number guard
    Case(LOYALTY, "moving the payments api to mysql", X),
    Case("Q4 planning", "Q3 planning", X),  # near miss on a code
    Case("Q4 planning", "planning for Q4", C),
    Case("Q4 planning", "the planning meeting", X),
    Case(SSO, "the SSO login timeout bug", C),
    Case(SSO, "login bug", X),
    Case("Vendor security questionnaire for Acme", "acme security questionnaire", C),
    Case("Vendor security questionnaire for Acme", "security stuff", X),
    Case("Kubernetes", "kubernetis", C),
    Case("Kubernetes", "docker", X),
    Case("Budget review with finance", "finance budget review", C),
    Case("Budget review with finance", "review", X),
    Case("Onboarding deck for new hires", "the onboarding slides for new hires", P),  # band
    # every distinctive word, but buried in a list of other topics: band, not correct
    Case(LOYALTY, LOYALTY + ", plus the billing export, audit logs and the CRM sync", P),
    Case("Renouvellement du contrat Orange", "contrat orange renouvellement", C),
    Case("Переезд сервера в Франкфурт", "переезд сервера во франкфурт", C),  # Cyrillic
    Case("ترحيل قاعدة البيانات", "ترحيل قاعدة البيانات", C),  # Arabic, right to left
    Case("Q4 planning", "the Q4 offsite", C, ["Q4 offsite"]),  # matched through a variant
    # a name dropped and an ordinary word misspelt ("requset"): half credit, not a name swap
    Case(SAML, "pretty sure it was re saml requset connect okta", P),
    Case(SAML, "re saml requset to connect coupa to azure", X),  # a swap beside a typo
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.expected}|{c.response}")
def test_match_text(case: Case) -> None:
    result = match_text(case.expected, case.variants, case.response)
    assert result.verdict is case.verdict, result.reason
    assert result.uncertain is (case.verdict is P)


def test_a_misspelt_ordinary_word_is_not_taken_for_another_name() -> None:
    result = match_text(SAML, [], "pretty sure it was re saml requset connect okta")
    assert result.method != "text.name_swap", result.reason
    swap = match_text(SAML, [], "re saml request to connect coupa to azure")
    assert swap.method == "text.name_swap" and "azure" in swap.reason


def test_number_guard_reason_names_only_the_answer() -> None:
    result = match_text("Q4 planning", [], "Q3 planning")
    assert result.method == "text.number_guard"
    assert "q4" not in result.reason.casefold()


def test_fillers_do_not_pull_a_misspelt_one_word_answer_below_the_similarity_floor() -> None:
    # Said on the phone and typed as heard: the filler words are not part of the answer.
    assert match_text("Bakery", [], "pretty sure it was bakrey").verdict is Verdict.CORRECT
    assert match_text("Bakery", [], "bakrey").verdict is Verdict.CORRECT
    # The same fillers around another department, or half of a two-word one, stay short of it.
    assert match_text("Deli", [], "pretty sure it was the bakery").verdict is Verdict.INCORRECT
    assert match_text("Outbound dock", [], "I think it was inbound dock").verdict is not (
        Verdict.CORRECT
    )


def test_a_listed_answer_naming_another_thing_is_a_hedge() -> None:
    assert listed_other(["Bakery"], "bakery and deli") == "deli"
    assert listed_other(["Store closure review"], "store closure review, the daily huddle")
    # Elaboration, the expected answer's own joiner, and number items are not lists.
    assert (
        listed_other(["Re: Tableau access request"], "tableau access request, for finance") is None
    )
    assert listed_other(["Q4 budget and headcount plan"], "q4 budget and headcount plan") is None
    assert listed_other(["Acme contract renewal"], "ITOPS-4173, the Globex renewal") is None
    assert (
        listed_other(
            ["RF gun on the dock keeps losing Wi-Fi"], "the rf gun, the wifi keeps dropping"
        )
        is None
    )
