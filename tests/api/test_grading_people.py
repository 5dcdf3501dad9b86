"""The service grades spoken names against the whole directory, and fails closed without it."""

from __future__ import annotations

import pytest

from context.models import Employee
from tests.api.conftest import Deskguard

ADMIN_ROLE = "it_admin"  # its set asks who was in a meeting (Priya Raman, Daniel Okafor)
NEAR = Employee(
    upn="danial.hussain@contoso.example",
    name="Danial Hussain",
    title="Analyst",
    department="Finance",
    role="finance",
)


def _answer(dg: Deskguard, wrong_daniel: str, upn: str) -> tuple[dict, list[dict]]:
    """Every answer as expected, except that the person question names `wrong_daniel`."""
    vid = dg.start(upn, signal={"score": 0.1})["id"]
    details = dg.truth(vid)["question_details"]
    people = [q for q in details if q["kind"] == "person" and "Daniel Okafor" in q["expected"]]
    assert people, "the demo set for this role asks about a meeting with Daniel Okafor"
    answers = [
        {
            "question_id": q["id"],
            "response": q["expected"].replace("Daniel Okafor", wrong_daniel)
            if q in people
            else q["expected"],
        }
        for q in details
    ]
    decided = dg.client.post(
        f"/v1/verifications/{vid}/answers", json={"answers": answers}, headers=dg.keys["helpdesk"]
    ).json()
    grades = {g["id"]: g for g in dg.truth(vid)["grades"]}
    return decided, [grades[q["id"]] for q in people]


def test_a_typo_of_the_right_person_passes(dg: Deskguard) -> None:
    decided, grades = _answer(
        dg, "Danial", dg.employee(ADMIN_ROLE)
    )  # one letter off, and nobody else is called that
    assert all(g["verdict"] == "correct" for g in grades), grades
    assert decided["decision"] == "allow"


def test_a_name_closer_to_another_employee_is_that_employee(
    dg: Deskguard, monkeypatch: pytest.MonkeyPatch
) -> None:
    upn, everyone = dg.employee(ADMIN_ROLE), dg.runtime.directory.list_employees

    async def with_danial() -> list[Employee]:
        return [*await everyone(), NEAR]

    monkeypatch.setattr(dg.runtime.directory, "list_employees", with_danial)
    _, grades = _answer(dg, "Danial", upn)
    assert all(g["verdict"] != "correct" for g in grades), grades
    assert all("closer to Danial Hussain" in g["reason"] for g in grades)


def test_without_the_directory_names_cannot_allow(
    dg: Deskguard, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable() -> list[Employee]:
        raise ConnectionError("directory down")

    upn = dg.employee(ADMIN_ROLE)
    monkeypatch.setattr(dg.runtime.directory, "list_employees", unreachable)
    decided, grades = _answer(dg, "Daniel", upn)
    assert all("grader_error" in g["flags"] and "directory unavailable" in g["reason"]
               for g in grades)  # fmt: skip
    assert decided["decision"] != "allow"
