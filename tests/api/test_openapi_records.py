"""The auditor's view is typed in the OpenAPI: every detail field names its record's schema."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Deskguard

ADMIN_ROLE = "it_admin"  # a role whose set is asked without an LLM
RECORD_FIELDS = {
    "question_details": "Question",
    "grades": "Grade",
    "dropped": "DroppedQuestion",
    "evidence": "EvidenceRef",
    "accesses": "AccessRecord",
}


def _ref(prop: dict[str, Any]) -> str:
    target = prop.get("items", prop)
    return str(target.get("$ref", "")).rsplit("/", 1)[-1]


def test_verification_detail_fields_are_typed_records(dg: Deskguard) -> None:
    schemas = dg.client.get("/openapi.json").json()["components"]["schemas"]
    props = schemas["VerificationDetail"]["properties"]
    for field, record in RECORD_FIELDS.items():
        assert _ref(props[field]) == record, (field, props[field])
    assert _ref(props["generation"]) == "Generation"
    assert "llm_usage" in schemas["Generation"]["properties"]
    assert set(schemas["Grade"]["properties"]) >= {"id", "kind", "verdict", "score", "reason"}


def test_stored_records_come_back_as_records(dg: Deskguard) -> None:
    started = dg.start(dg.employee(ADMIN_ROLE))
    row = dg.runtime.db.get_verification(started["id"])
    assert row is not None
    assert row.question_set.engine == started["engine"]
    assert {e.id for e in row.collection.evidence} >= {e for q in row.questions for e in q.evidence}
    assert row.question_set.llm_usage.grading is None  # nothing graded yet
