"""The service grades spoken names against the whole directory, and fails closed without it."""

from __future__ import annotations

import asyncio

import pytest

from api.service import VerificationService
from context.models import Employee
from tests.api.conftest import Deskguard

# Roles whose demo sets may ask who was in a meeting with Daniel Okafor: which facts a set asks
# about moves with planning, the grading rule under test does not.
ROLES = ("it_admin", "ciso", "data_engineer", "store_manager")


def with_daniel(dg: Deskguard) -> str:
    """An employee whose set asks about a meeting with Daniel Okafor (previewed: nothing is
    stored, so the verification started next asks the same)."""
    service = VerificationService(dg.runtime)
    for role in ROLES:
        upn = dg.employee(role)
        qset, _ = asyncio.run(service.preview(upn))
        if any(q.kind == "person" and "Daniel Okafor" in q.expected for q in qset.questions):
            return upn
    raise AssertionError(f"no demo set of {ROLES} asks about a meeting with Daniel Okafor")


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
        dg, "Danial", with_daniel(dg)
    )  # one letter off, and nobody else is called that
    assert all(g["verdict"] == "correct" for g in grades), grades
    assert decided["decision"] == "allow"


def test_a_name_closer_to_another_employee_is_that_employee(
    dg: Deskguard, monkeypatch: pytest.MonkeyPatch
) -> None:
    upn, everyone = with_daniel(dg), dg.runtime.directory.list_employees

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

    upn = with_daniel(dg)
    monkeypatch.setattr(dg.runtime.directory, "list_employees", unreachable)
    decided, grades = _answer(dg, "Daniel", upn)
    assert all("grader_error" in g["flags"] and "directory unavailable" in g["reason"]
               for g in grades)  # fmt: skip
    assert decided["decision"] != "allow"
