"""`deskguard audit verify [--checkpoint FILE]` and `deskguard audit checkpoint [--out FILE]`.

Both run beside the database, without the server: the chain key and the signing keys come from
the data directory or the settings, never from the database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from api.cli.common import command_group, emit
from api.errors import InvalidInput

if TYPE_CHECKING:
    from api.audit import AuditLog
    from api.audit_checks import Checkpoints
    from api.signing import KeyRing

app = command_group("Check and anchor the audit log.")


def _trust() -> tuple[AuditLog, Checkpoints, KeyRing]:
    from api.runtime import build_trust, utcnow
    from api.settings import get_settings
    from api.storage import Database

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    trust = build_trust(settings, utcnow)
    return trust.audit(Database(settings.sqlalchemy_url), utcnow), trust.checkpoints, trust.keyring


def _exported(path: Path) -> str:
    """A file written by `audit checkpoint` (JSON), or a bare checkpoint token."""
    try:
        text = path.read_text().strip()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    if not text.startswith("{"):
        return text
    try:
        return str(json.loads(text)["checkpoint"])
    except (ValueError, KeyError, TypeError):
        raise InvalidInput(f"{path} is not a deskguard checkpoint file") from None


@app.command("verify")
def verify(
    checkpoint: Path | None = typer.Option(
        None, help="a checkpoint exported earlier: detects records deleted since"
    ),
) -> None:
    """Check the keyed chain, every signed checkpoint and every verification against its audit
    record. Prints a JSON report; exits 1 when anything was tampered with."""
    from api.audit_checks import verify_log

    audit, checkpoints, _ = _trust()
    exported = _exported(checkpoint) if checkpoint else None
    report = verify_log(audit, checkpoints, exported=exported)
    emit(report.model_dump(mode="json"))
    if not report.intact:
        raise SystemExit(1)


@app.command("checkpoint")
def checkpoint(
    out: Path | None = typer.Option(None, help="also write the checkpoint to this file"),
) -> None:
    """Sign the chain's head now and print it (keep a copy outside the database)."""
    audit, checkpoints, ring = _trust()
    token = checkpoints.create(audit)
    claims = checkpoints.read(token) if token else None
    body = {
        "checkpoint": token,
        "seq": claims.seq if claims else None,
        "head": claims.head if claims else None,
        "jwks": ring.all_public(),  # to check the signature with any JOSE library
    }
    if out:
        out.write_text(json.dumps(body, indent=2))
    emit(body)
