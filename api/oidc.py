"""OIDC tokens from the company IdP, the one home for their validation: the signature checked
against the issuer's JWKS (found through its discovery document, cached, re-read once for an
unknown `kid` so key rotation works), then `iss`, `aud`, `exp` and `nbf` (and `nonce` for the
console's ID tokens); the role comes from a claim (api/auth.py `principal_for`). Bearer tokens
for the API (`verify`) and the console's sign-in ID tokens (`verify_id_token`) go through the
same checks. joserfc does the JOSE, httpx the HTTP."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from api.errors import Unauthorized
from api.settings import OIDCSettings

DISCOVERY = "/.well-known/openid-configuration"


class IssuerUnreachable(Unauthorized):
    """The issuer's discovery document or keys could not be read: nothing can be checked."""


class OIDCIdentity:
    def __init__(self, subject: str, name: str, roles: list[str]) -> None:
        self.subject, self.name, self.roles = subject, name, roles


@dataclass(frozen=True)
class IssuerMetadata:
    """What deskguard reads of the discovery document."""

    issuer: str
    jwks_uri: str
    authorization_endpoint: str | None = None  # the console's sign-in needs these two
    token_endpoint: str | None = None


class OIDCVerifier:
    def __init__(self, settings: OIDCSettings) -> None:
        assert settings.issuer, "OIDC needs an issuer"
        self.settings, self.issuer = settings, settings.issuer
        self._metadata: IssuerMetadata | None = None
        self._keys: KeySet | None = None
        self._fetched = 0.0
        self._lock = threading.Lock()

    def verify(self, token: str) -> OIDCIdentity:
        """An API bearer token, issued for DESKGUARD_OIDC__AUDIENCE."""
        if not self.settings.audience:
            raise Unauthorized("IdP bearer tokens are not accepted here (no audience configured)")
        claims = self._validated(token, audience=self.settings.audience, what="bearer token")
        return self._identity(claims)

    def verify_id_token(self, token: str, *, audience: str, nonce: str) -> OIDCIdentity:
        """A console sign-in's ID token: issued for the console's client id, carrying the nonce
        this browser's sign-in sent (OIDC Core 3.1.3.7)."""
        claims = self._validated(token, audience=audience, nonce=nonce, what="ID token")
        azp = claims.get("azp")
        if azp is not None and azp != audience:
            raise Unauthorized("invalid ID token: issued to another client (azp)")
        return self._identity(claims)

    def metadata(self) -> IssuerMetadata:
        """The discovery document, read with the keys and cached as long as they are."""
        with self._lock:
            if self._metadata is None or self._stale():
                self._refresh()
            assert self._metadata is not None
            return self._metadata

    def _validated(
        self, token: str, *, audience: str, what: str, nonce: str | None = None
    ) -> dict[str, Any]:
        expected: dict[str, Any] = {
            "iss": {"essential": True, "value": self.issuer},
            "aud": {"essential": True, "value": audience},
            "exp": {"essential": True},
            "sub": {"essential": True},
        }
        if nonce is not None:
            expected["nonce"] = {"essential": True, "value": nonce}
        try:
            keys = self._key_set(_header_kid(token, what))
            decoded = jwt.decode(token, keys, algorithms=self.settings.algorithms)
            jwt.JWTClaimsRegistry(**expected).validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise Unauthorized(f"invalid {what}: {type(exc).__name__}") from None
        return dict(decoded.claims)

    def _identity(self, claims: dict[str, Any]) -> OIDCIdentity:
        raw = claims.get(self.settings.roles_claim, [])
        values = [raw] if isinstance(raw, str) else [str(v) for v in raw or []]
        prefix = self.settings.role_prefix
        roles = [v.removeprefix(prefix) for v in values if v.startswith(prefix)]
        name = str(claims.get("preferred_username") or claims.get("name") or claims["sub"])
        return OIDCIdentity(str(claims["sub"]), name, roles)

    def _key_set(self, kid: str | None) -> KeySet:
        with self._lock:
            if self._keys is None or self._stale() or not _has_kid(self._keys, kid):
                self._refresh()
            assert self._keys is not None
            return self._keys

    def _stale(self) -> bool:
        return time.monotonic() - self._fetched > self.settings.jwks_cache_seconds

    def _refresh(self) -> None:
        try:
            with httpx.Client(timeout=self.settings.timeout_seconds) as client:
                discovery = client.get(f"{self.issuer.rstrip('/')}{DISCOVERY}")
                discovery.raise_for_status()
                metadata = _metadata(discovery.json())
                jwks = client.get(metadata.jwks_uri)
                jwks.raise_for_status()
                keys = KeySet.import_key_set(jwks.json())
        except (httpx.HTTPError, KeyError, TypeError, ValueError, JoseError) as exc:
            raise IssuerUnreachable(
                f"the identity provider's keys could not be read ({type(exc).__name__})"
            ) from None
        self._metadata, self._keys, self._fetched = metadata, keys, time.monotonic()


def _metadata(document: Any) -> IssuerMetadata:
    if not isinstance(document, dict):
        raise TypeError("the discovery document is not a JSON object")

    def text(name: str) -> str | None:
        value = document.get(name)
        return value if isinstance(value, str) and value else None

    jwks_uri = text("jwks_uri")
    if jwks_uri is None:
        raise KeyError("jwks_uri")
    return IssuerMetadata(
        issuer=str(text("issuer")),
        jwks_uri=jwks_uri,
        authorization_endpoint=text("authorization_endpoint"),
        token_endpoint=text("token_endpoint"),
    )


def _header_kid(token: str, what: str = "bearer token") -> str | None:
    from joserfc import jws

    try:
        return jws.extract_compact(token.encode()).headers().get("kid")
    except (JoseError, ValueError):
        raise Unauthorized(f"invalid {what}: not a JWS") from None


def _has_kid(keys: KeySet, kid: str | None) -> bool:
    return kid is None or any(k.kid == kid for k in keys.keys)
