"""Storage on PostgreSQL: the same service, and exactly one of two racing submissions wins.

Needs the PostgreSQL server on 127.0.0.1 (`.ci/run` starts it); skipped locally without one,
never in CI.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from api.storage import Database
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for
from tests.api.test_verifications import genuine_answers


def test_a_verification_runs_on_postgresql(pg_url: str, demo_data_dir: Path) -> None:
    settings = settings_for(demo_data_dir).model_copy(update={"database_url": pg_url})
    dg: Deskguard = make_deskguard(settings, Clock())
    started = dg.start(dg.employee("it_admin"), signal={"score": 0.1})
    decided = dg.client.post(
        f"/v1/verifications/{started['id']}/answers",
        json={"answers": genuine_answers(dg.truth(started["id"]))},
        headers=dg.keys["helpdesk"],
    ).json()
    assert decided["decision"] == "allow"
    restarted = make_deskguard(settings, dg.clock)
    status = restarted.client.get(
        f"/v1/verifications/{started['id']}", headers=restarted.keys["helpdesk"]
    ).json()
    assert status["decision"] == "allow"


def test_only_one_of_many_racing_claims_wins(pg_url: str, demo_data_dir: Path) -> None:
    settings = settings_for(demo_data_dir).model_copy(update={"database_url": pg_url})
    dg = make_deskguard(settings, Clock())
    vid = dg.start(dg.employee("it_admin"))["id"]
    db = Database(pg_url)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: db.claim_for_grading(vid, dg.clock()), range(8)))
    assert results.count(True) == 1
