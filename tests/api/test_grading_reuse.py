"""Through the API: a caller who gives one text question's answer to another gets neither."""

from __future__ import annotations

from grading.cascade import GRADER_VERSION
from tests.api.conftest import Deskguard

ONE_FACT = ("text", "identifier")
ROLES = ("it_admin", "data_engineer", "ciso", "store_manager", "finance")


def _set_with_two_of_a_kind(dg: Deskguard) -> tuple[str, list[dict], str, str]:
    """A started verification with two text (or two identifier) questions of different answers."""
    for role in ROLES:
        vid = dg.start(dg.employee(role), signal={"score": 0.1})["id"]
        details = dg.truth(vid)["question_details"]
        for kind in ONE_FACT:
            same = [q for q in details if q["kind"] == kind]
            if len(same) >= 2 and same[0]["expected"] != same[1]["expected"]:
                return vid, details, same[0]["id"], same[1]["id"]
    raise AssertionError(f"no demo set of {ROLES} asks two text or two identifier questions")


def test_one_answer_said_to_two_questions_counts_for_neither(dg: Deskguard) -> None:
    vid, details, known, sprayed = _set_with_two_of_a_kind(dg)
    expected = {q["id"]: q["expected"] for q in details}
    answers = [
        {
            "question_id": q["id"],
            "response": expected[known] if q["id"] == sprayed else q["expected"],
        }
        for q in details
    ]
    response = dg.client.post(
        f"/v1/verifications/{vid}/answers", json={"answers": answers}, headers=dg.keys["helpdesk"]
    )
    assert response.status_code == 200, response.text
    grades = {g["id"]: g for g in dg.truth(vid)["grades"]}
    for qid in (known, sprayed):
        assert grades[qid]["verdict"] == "incorrect"
        assert "reused_answer" in grades[qid]["flags"]
        assert grades[qid]["grader"].startswith(GRADER_VERSION)
    others = [g for qid, g in grades.items() if qid not in (known, sprayed)]
    assert all("reused_answer" not in g["flags"] for g in others)
