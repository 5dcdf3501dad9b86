"""`deskguard keys create --role ROLE --name NAME | list | revoke KEY_ID`."""

from __future__ import annotations

import getpass
import json
from typing import TYPE_CHECKING

import typer

from api.cli.common import command_group

if TYPE_CHECKING:
    from api.auth import KeyInfo
    from api.storage import Database

app = command_group("Manage API keys (each held by a named principal).")


def _db() -> Database:
    from api.settings import get_settings
    from api.storage import Database

    return Database(get_settings().sqlalchemy_url).upgrade()


def _audit(db: Database, event: str, info: KeyInfo) -> None:
    """Keys made and revoked are in the audit log, with who ran the command."""
    from api.runtime import build_trust, utcnow
    from api.settings import get_settings

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log = build_trust(settings, utcnow).audit(db, utcnow)
    detail = {"key_id": info.id, "name": info.name, "role": info.role}
    log.append(actor=f"cli:{_user()}"[:64], event=event, verification_id=None, detail=detail)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in this environment
        return "unknown"


@app.command("create")
def create(
    role: str = typer.Option(..., help="helpdesk | security | auditor | admin | signal"),
    name: str = typer.Option(
        "unnamed", help='Who holds the key, e.g. "agent 4411"; the audit records it.'
    ),
) -> None:
    """Create an API key and print it (it is stored hashed and cannot be shown again)."""
    from api.auth import create_key, list_keys

    db = _db()
    key_id, key = create_key(db, role, name)
    _audit(db, "key.created", next(k for k in list_keys(db) if k.id == key_id))
    print(key)


@app.command("list")
def list_command() -> None:
    """Every key as a JSON line: id, name, role, created_at, revoked_at (never the key)."""
    from api.auth import list_keys

    for info in list_keys(_db()):
        print(info.model_dump_json())


@app.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="The id from 'deskguard keys list'.")) -> None:
    """Revoke a key at once (every replica reads the key on each request)."""
    from api.auth import revoke_key

    db = _db()
    info = revoke_key(db, key_id)
    _audit(db, "key.revoked", info)
    print(json.dumps({"revoked": info.id, "name": info.name, "at": str(info.revoked_at)}))
