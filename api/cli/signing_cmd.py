"""`deskguard signing rotate | jwks`: the Ed25519 keys that sign grants and audit checkpoints."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from api.cli.common import command_group, emit

if TYPE_CHECKING:
    from api.signing import KeyRing

app = command_group("Manage the keys that sign grants and checkpoints.")


def _ring() -> KeyRing:
    from api.settings import get_settings
    from api.signing import KeyRing

    settings = get_settings()
    configured = settings.signing_keys.get_secret_value() if settings.signing_keys else None
    return KeyRing.open(settings.data_dir, configured, clock=lambda: datetime.now(UTC))


@app.command("rotate")
def rotate() -> None:
    """Start signing with a new key; the old one stays published until its grants expire."""
    ring = _ring()
    old = ring.current.jwk["kid"]
    new = ring.rotate()
    emit({"kid": new.jwk["kid"], "retired": old})


@app.command("jwks")
def jwks() -> None:
    """Print every public key of the ring (to check grants and checkpoints offline)."""
    emit(_ring().all_public())
