"""Agent-blind, feedback-free views: what each role sees of a verification before and after."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import Deskguard
from tests.api.test_verifications import ADMIN_ROLE, genuine_answers

READERS = ("security", "auditor", "admin")
# Anything that would tell a caller which answers were right: counts, scores, verdicts.
FEEDBACK = re.compile(r"\d+ of \d+|\bscore\b|verdict|\bcorrect\b|incorrect|partial|entropy", re.I)


def answered(dg: Deskguard, outcome: str) -> tuple[str, dict]:
    started = dg.start(dg.employee(ADMIN_ROLE), action="mfa_reset", signal={"score": 0.1})
    truth = dg.truth(started["id"])
    answers = genuine_answers(truth)
    if outcome == "deny":
        answers = [{"question_id": a["question_id"], "response": "no idea"} for a in answers]
    if outcome == "escalate":  # all right but one, and mfa_reset tolerates none when strict
        answers[0] = {"question_id": answers[0]["question_id"], "response": "no idea"}
        answers[1] = {"question_id": answers[1]["question_id"], "response": "no idea"}
    response = dg.client.post(
        f"/v1/verifications/{started['id']}/answers",
        json={"answers": answers},
        headers=dg.keys["helpdesk"],
    )
    assert response.status_code == 200, response.text
    assert response.json()["decision"] == outcome, response.json()
    return started["id"], response.json()


def test_pending_helpdesk_view_lists_the_questions_only(dg: Deskguard) -> None:
    started = dg.start(dg.employee(ADMIN_ROLE))
    view = dg.client.get(f"/v1/verifications/{started['id']}", headers=dg.keys["helpdesk"]).json()
    assert view["status"] == "pending" and len(view["questions"]) >= 4
    assert view["decision"] is None and view["reasons"] == [] and view["receipt"] is None


@pytest.mark.parametrize("outcome", ["allow", "deny", "escalate"])
def test_decided_helpdesk_view_has_the_decision_and_policy_reasons_only(
    dg: Deskguard, outcome: str
) -> None:
    vid, submitted = answered(dg, outcome)
    later = dg.client.get(f"/v1/verifications/{vid}", headers=dg.keys["helpdesk"])
    for view, raw in ((submitted, None), (later.json(), later.text)):
        assert view["questions"] == [] and view["reasons"]
        assert not [r for r in view["reasons"] if FEEDBACK.search(r)], view["reasons"]
        assert "grades" not in view and "question_details" not in view
        if raw is not None:
            assert "verdict" not in raw and '"score"' not in raw
    detail = dg.client.get(f"/v1/verifications/{vid}", headers=dg.keys["security"]).json()
    assert detail["agent_reasons"] == submitted["reasons"]  # security sees what the agent saw


@pytest.mark.parametrize("role", READERS)
def test_security_and_audit_roles_see_verdicts_scores_and_counts(dg: Deskguard, role: str) -> None:
    vid, _ = answered(dg, "escalate")
    detail = dg.client.get(f"/v1/verifications/{vid}", headers=dg.keys[role]).json()
    assert len(detail["questions"]) == len(detail["question_details"]) >= 4
    assert {g["verdict"] for g in detail["grades"]} >= {"correct", "incorrect"}
    assert all("score" in g for g in detail["grades"])
    assert any(re.search(r"\d+ of \d+ answers correct", r) for r in detail["reasons"])


@pytest.mark.parametrize("role", ["helpdesk", *READERS])
def test_a_decision_escalated_before_asking_lists_no_questions(dg: Deskguard, role: str) -> None:
    started = dg.start(dg.employee("new_hire"))
    assert started["decision"] == "escalate" and started["questions"] == []
    view = dg.client.get(f"/v1/verifications/{started['id']}", headers=dg.keys[role]).json()
    assert view["questions"] == [] and view["decision"] == "escalate"
    assert any("not enough recent work context" in r for r in view["reasons"])
    if role != "helpdesk":  # what could have been asked stays visible to the security team
        assert "question_details" in view and "could ask" in view["reasons"][0]
    else:
        assert "could ask" not in " ".join(view["reasons"])
