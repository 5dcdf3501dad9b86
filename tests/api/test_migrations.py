"""The schema comes from the Alembic migrations, on SQLite and PostgreSQL: an empty database
upgrades to head, the models match the migrated schema exactly, and a database made before
migrations existed is adopted. A database error never prints bound values (expected answers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError

import api.recovery_store  # noqa: F401  (every table on Base)
from api import migrations
from api.storage import Base, Database, VerificationRow
from api.verification_record import CollectionRecord, QuestionSetRecord
from questions.models import Question

SECRET_ANSWER = "PAY-4471 quarterly ledger"


def assert_models_match(db: Database) -> None:
    """The migrated schema is what api/storage.py (and api/recovery_store.py) define: the same
    tables and columns, and no difference Alembic's autogenerate would write a revision for
    (types, nullability, indexes, unique constraints)."""
    inspector = inspect(db.engine)
    migrated = {
        table: {c["name"] for c in inspector.get_columns(table)}
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }
    modelled = {t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables}
    assert migrated == modelled
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def check_upgrade_from_empty(url: str) -> None:
    db = Database(url)
    assert migrations.current(db.engine) is None
    db.upgrade()
    assert migrations.current(db.engine) == migrations.head()
    assert_models_match(db)
    db.upgrade()  # idempotent
    assert migrations.current(db.engine) == migrations.head()


def test_sqlite_upgrades_from_empty_and_matches_the_models(tmp_path: Path) -> None:
    check_upgrade_from_empty(f"sqlite:///{tmp_path / 'm.db'}")


def test_postgresql_upgrades_from_empty_and_matches_the_models(pg_url: str) -> None:
    check_upgrade_from_empty(pg_url)


def test_replicas_starting_together_migrate_once(pg_url: str, tmp_path: Path) -> None:
    # Three processes: the advisory lock in env.py makes the others wait, then find it at head.
    env = {**os.environ, "DESKGUARD_DATABASE_URL": pg_url, "DESKGUARD_DATA_DIR": str(tmp_path)}
    command = [str(Path(sys.executable).parent / "deskguard"), "db", "upgrade"]
    processes = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE) for _ in range(3)]
    errors = [p.communicate(timeout=120)[1].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], errors
    assert migrations.current(Database(pg_url).engine) == migrations.head()


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'm.db'}").upgrade()
    migrations.upgrade(db.engine, "head")
    from alembic import command

    command.downgrade(migrations.config(db.engine), "base")
    assert "verifications" not in inspect(db.engine).get_table_names()
    db.upgrade()
    assert_models_match(db)


@pytest.mark.parametrize("missing", [(), ("signals", "audit_checkpoints")])
def test_a_database_from_before_migrations_is_adopted(
    tmp_path: Path, missing: tuple[str, ...]
) -> None:
    """What create_all made before migrations existed (by an older deskguard: without the
    newer tables), with rows in it: upgraded in place, nothing lost."""
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    migrations.upgrade(db.engine, migrations.BASELINE)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
        for table in missing:
            connection.exec_driver_sql(f"DROP TABLE {table}")
        connection.exec_driver_sql(
            "INSERT INTO api_keys (id, digest, role, created_at) "
            "VALUES ('k1', 'd1', 'helpdesk', '2026-11-30 10:00:00')"
        )
    assert migrations.current(db.engine) is None
    db.upgrade()
    assert migrations.current(db.engine) == migrations.head()
    assert_models_match(db)
    with db.engine.connect() as connection:
        kept = connection.exec_driver_sql("SELECT id, name FROM api_keys").all()
    assert [tuple(r) for r in kept] == [("k1", "unnamed")]


def test_a_database_error_does_not_print_the_expected_answer(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    Database(f"sqlite:///{path}").upgrade()
    read_only = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    now = datetime.now(UTC)
    question = Question(
        id="q1",
        text="Which ledger?",
        kind="text",
        expected=SECRET_ANSWER,
        source="jira",
        topic="jira.ticket",
    )
    row = VerificationRow(
        id="ver_x",
        employee="a@example.com",
        action="password_reset",
        status="pending",
        created_at=now,
        expires_at=now,
        questions=[question],
        question_set=QuestionSetRecord(employee="a@example.com", engine="t", generated_at=now),
        collection=CollectionRecord(window_start=now, window_end=now),
        created_by="k",
    )
    with pytest.raises(DBAPIError) as raised:
        read_only.save(row)
    assert "readonly" in str(raised.value)
    assert SECRET_ANSWER not in str(raised.value)
    assert "parameters hidden" in str(raised.value)


def test_serve_and_db_commands_report_the_revision(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from api.cli import app
    from api.settings import get_settings

    get_settings.cache_clear()
    env = {"DESKGUARD_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    try:
        before = runner.invoke(app, ["db", "current"], env=env)
        upgraded = runner.invoke(app, ["db", "upgrade"], env=env)
    finally:
        get_settings.cache_clear()
    assert f"database: none; head: {migrations.head()}" in before.output
    assert f"database at revision {migrations.head()}" in upgraded.output


def test_verifications_from_before_the_history_lookup_are_filled_in(tmp_path: Path) -> None:
    """0004 moves the recent-history lookup into the database: a verification stored before it
    keeps counting (its facts and items are not asked again, a deny counts as a failure)."""
    db = Database(f"sqlite:///{tmp_path / 'h.db'}")
    migrations.upgrade(db.engine, "0003_privacy")
    questions = [
        {"id": "q1", "text": "Which ticket?", "kind": "identifier", "expected": "PAY-1",
         "source": "jira", "topic": "jira.ticket", "fact": "jira:PAY-1", "evidence": ["j1"]},
        {"id": "q2", "text": "Who?", "kind": "person", "expected": "Ann", "source": "calendar",
         "topic": "meeting.attendees", "evidence": ["c1", "c2"]},
    ]  # fmt: skip
    denied = {"decision": "deny", "reasons": ["wrong"], "policy": "decision@v6"}
    with db.engine.begin() as connection:
        stored = (("ver_old", denied, questions[:1]), ("ver_open", None, questions))
        for vid, decision, asked in stored:
            values = {
                "id": vid,
                "employee": "a@example.com",
                "action": "password_reset",
                "status": "decided" if decision else "pending",
                "created_at": datetime(2026, 11, 30, 10),
                "expires_at": datetime(2026, 11, 30, 11),
                "questions": json.dumps(asked),  # as stored: JSON text
                "question_set": "{}",
                "collection": "{}",
                "decision": json.dumps(decision) if decision else None,
                "created_by": "k",
            }
            connection.execute(sa.table("verifications", *map(sa.column, values)).insert(), values)
    db.upgrade()
    assert_models_match(db)
    recent = db.recent_for_employee("a@example.com", since=datetime(2026, 11, 30, tzinfo=UTC))
    assert recent.failures == 1
    assert recent.facts == {"jira:PAY-1"} and recent.items == {"j1", "c1", "c2"}
    later = db.recent_for_employee("a@example.com", since=datetime(2026, 12, 1, tzinfo=UTC))
    assert later.failures == 0 and not later.facts and not later.items
