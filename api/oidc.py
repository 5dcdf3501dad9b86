"""OIDC bearer tokens from the company IdP: signature checked against the issuer's JWKS (found
through its discovery document, cached, re-read once for an unknown `kid` so key rotation
works), then `iss`, `aud`, `exp` and `nbf`; the role comes from a claim. joserfc does the JOSE."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from api.errors import Unauthorized
from api.settings import OIDCSettings

DISCOVERY = "/.well-known/openid-configuration"


class OIDCIdentity:
    def __init__(self, subject: str, name: str, roles: list[str]) -> None:
        self.subject, self.name, self.roles = subject, name, roles


class OIDCVerifier:
    def __init__(self, settings: OIDCSettings) -> None:
        assert settings.issuer and settings.audience, "OIDC needs issuer and audience"
        self.settings, self.issuer, self.audience = settings, settings.issuer, settings.audience
        self._keys: KeySet | None = None
        self._fetched = 0.0
        self._lock = threading.Lock()

    def verify(self, token: str) -> OIDCIdentity:
        try:
            decoded = jwt.decode(token, self._key_set(token), algorithms=self.settings.algorithms)
            registry = jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                exp={"essential": True},
                sub={"essential": True},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise Unauthorized(f"invalid bearer token: {type(exc).__name__}") from None
        return self._identity(decoded.claims)

    def _identity(self, claims: dict[str, Any]) -> OIDCIdentity:
        raw = claims.get(self.settings.roles_claim, [])
        values = [raw] if isinstance(raw, str) else [str(v) for v in raw or []]
        prefix = self.settings.role_prefix
        roles = [v.removeprefix(prefix) for v in values if v.startswith(prefix)]
        name = str(claims.get("preferred_username") or claims.get("name") or claims["sub"])
        return OIDCIdentity(str(claims["sub"]), name, roles)

    def _key_set(self, token: str) -> KeySet:
        kid = _header_kid(token)
        with self._lock:
            stale = time.monotonic() - self._fetched > self.settings.jwks_cache_seconds
            if self._keys is None or stale or not _has_kid(self._keys, kid):
                self._keys, self._fetched = self._fetch_keys(), time.monotonic()
            return self._keys

    def _fetch_keys(self) -> KeySet:
        try:
            with httpx.Client(timeout=self.settings.timeout_seconds) as client:
                discovery = client.get(
                    f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"
                )
                discovery.raise_for_status()
                jwks = client.get(discovery.json()["jwks_uri"])
                jwks.raise_for_status()
                return KeySet.import_key_set(jwks.json())
        except (httpx.HTTPError, KeyError, ValueError, JoseError) as exc:
            raise Unauthorized(
                f"the identity provider's keys could not be read ({type(exc).__name__})"
            ) from None


def _header_kid(token: str) -> str | None:
    from joserfc import jws

    try:
        return jws.extract_compact(token.encode()).headers().get("kid")
    except (JoseError, ValueError):
        raise Unauthorized("invalid bearer token: not a JWS") from None


def _has_kid(keys: KeySet, kid: str | None) -> bool:
    return kid is None or any(k.kid == kid for k in keys.keys)
