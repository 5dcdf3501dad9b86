"""Ed25519 signing keys for grants and audit checkpoints (JWS through joserfc).

Keys come from DESKGUARD_SIGNING_KEYS (a JWKS of private keys; the first one signs) or from
`signing-keys.json` in the data directory (mode 0600), generated on first use. Rotation retires the
current key and makes a new one; a retired key stays published in the JWKS until every grant it
signed has expired, and stays in the ring so old audit checkpoints remain checkable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey
from pydantic import BaseModel, ValidationError

from api.errors import ConfigurationError
from api.keyfiles import create_private, replace_private

ALGORITHM = "Ed25519"  # RFC 9864's fully specified EdDSA algorithm name
KEY_FILE = "signing-keys.json"


class SigningError(Exception):
    """A token that is malformed, signed by an unknown key, or badly signed."""


class StoredKey(BaseModel):
    jwk: dict[str, Any]  # private OKP JWK with its kid
    created_at: datetime
    retired_at: datetime | None = None


class StoredRing(BaseModel):
    keys: list[StoredKey]  # newest first; the first unretired key signs


def _new_key(now: datetime) -> StoredKey:
    key = OKPKey.generate_key("Ed25519", parameters={"use": "sig", "alg": ALGORITHM})
    kid = f"{now:%Y%m%d}-{key.thumbprint()[:12]}"
    return StoredKey(jwk=key.as_dict(private=True) | {"kid": kid}, created_at=now)


class KeyRing:
    """Signs with the current key; verifies with any key the ring still holds."""

    def __init__(
        self, ring: StoredRing, *, path: Path | None, clock: Callable[[], datetime]
    ) -> None:
        self._ring, self._path, self._clock = ring, path, clock
        self._mtime = path.stat().st_mtime_ns if path else 0

    @classmethod
    def open(
        cls, data_dir: Path, configured: str | None, *, clock: Callable[[], datetime]
    ) -> KeyRing:
        if configured:
            return cls(_configured_ring(configured, clock()), path=None, clock=clock)
        path = data_dir / KEY_FILE
        if not path.exists():
            create_private(path, StoredRing(keys=[_new_key(clock())]).model_dump_json())
        return cls(_read_ring(path), path=path, clock=clock)

    def _fresh(self) -> StoredRing:
        """Another process may have rotated the file since it was read."""
        if self._path and self._path.stat().st_mtime_ns != self._mtime:
            self._mtime = self._path.stat().st_mtime_ns
            self._ring = _read_ring(self._path)
        return self._ring

    @property
    def current(self) -> StoredKey:
        return next(k for k in self._fresh().keys if k.retired_at is None)

    def sign(self, claims: dict[str, Any], *, typ: str) -> str:
        jwk = self.current.jwk
        key = OKPKey.import_key(jwk)
        header = {"alg": ALGORITHM, "kid": jwk["kid"], "typ": typ}
        return jwt.encode(header, claims, key, algorithms=[ALGORITHM])

    def verify(self, token: str, *, typ: str, keys: KeySet | None = None) -> dict[str, Any]:
        """The claims of a token of type `typ` signed by one of `keys` (default: the whole ring)."""
        try:
            decoded = jwt.decode(token, keys or self._key_set(), algorithms=[ALGORITHM])
        except (JoseError, ValueError) as exc:
            raise SigningError(f"not a valid signed token: {type(exc).__name__}") from None
        if decoded.header.get("typ") != typ:
            raise SigningError(f"not a {typ} token")
        return dict(decoded.claims)

    def _key_set(self, keys: list[StoredKey] | None = None) -> KeySet:
        chosen = self._fresh().keys if keys is None else keys
        return KeySet.import_key_set({"keys": [_public(k.jwk) for k in chosen]})

    def published(self, grace: timedelta) -> list[StoredKey]:
        """Keys whose tokens may still be live: unretired, or retired less than `grace` ago."""
        now = self._clock()
        return [k for k in self._fresh().keys if k.retired_at is None or k.retired_at + grace > now]

    def published_key_set(self, grace: timedelta) -> KeySet:
        return self._key_set(self.published(grace))

    def jwks(self, grace: timedelta) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [_public(k.jwk) for k in self.published(grace)]}

    def all_public(self) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [_public(k.jwk) for k in self._fresh().keys]}

    def rotate(self) -> StoredKey:
        """Retires the signing key and starts a new one (file-backed rings only)."""
        if self._path is None:
            raise ConfigurationError(
                "signing keys come from DESKGUARD_SIGNING_KEYS: rotate by putting a new key first "
                "and keeping the old one until its grants have expired"
            )
        now = self._clock()
        ring = self._fresh()
        retired = [
            k if k.retired_at else k.model_copy(update={"retired_at": now}) for k in ring.keys
        ]
        new = _new_key(now)
        replace_private(self._path, StoredRing(keys=[new, *retired]).model_dump_json())
        return new


def _public(jwk: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in jwk.items() if k != "d"}


def _read_ring(path: Path) -> StoredRing:
    try:
        return StoredRing.model_validate_json(path.read_text())
    except ValidationError as exc:
        raise ConfigurationError(f"{path} is not a deskguard signing key file: {exc}") from None


def _configured_ring(text: str, now: datetime) -> StoredRing:
    """DESKGUARD_SIGNING_KEYS: {"keys": [private Ed25519 JWKs with kid]}; the first one signs."""
    try:
        jwks = json.loads(text)
        keys = [OKPKey.import_key(jwk) for jwk in jwks["keys"]]
    except (ValueError, KeyError, TypeError, JoseError) as exc:
        raise ConfigurationError(
            f"DESKGUARD_SIGNING_KEYS must be a JWKS of private Ed25519 keys: {exc}"
        ) from None
    if not keys or any(k.curve_name != "Ed25519" or not k.kid or not k.is_private for k in keys):
        raise ConfigurationError("DESKGUARD_SIGNING_KEYS: every key needs a kid and a private part")
    # All are published (the operator removes a key once its grants have expired).
    return StoredRing(keys=[StoredKey(jwk=k.as_dict(private=True), created_at=now) for k in keys])
