"""The console's "Sign in with <company IdP>": OIDC Authorization Code flow with PKCE (S256).

This module owns the client side of the flow: the sign-in's transaction (state, nonce, PKCE
verifier), the authorization URL, and the code exchange at the token endpoint (httpx). The ID
token it returns is validated by api/oidc.py, the one home for token validation, and mapped to
a principal by api/auth.py `principal_for`, as bearer tokens are.

The transaction is kept in a signed cookie of its own (itsdangerous, as the session is), not in
the console's session cookie: that one is SameSite=Strict, so a browser does not send it on the
identity provider's redirect back to the callback, and the state could never be compared. This
cookie is SameSite=Lax (sent on that top-level GET), HttpOnly, path /console/oidc, good for 10
minutes and used once: the callback deletes it whatever the outcome."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from itsdangerous import BadData, URLSafeTimedSerializer

from api.errors import DeskguardError
from api.oidc import IssuerMetadata
from api.settings import OIDCSettings

FLOW_COOKIE = "deskguard_oidc"
FLOW_PATH = "/console/oidc"
FLOW_SECONDS = 600  # from the button to the callback
NO_AUTH = httpx.Auth()  # the base class adds no header
ERROR_CODE = re.compile(r"^[a-z0-9_.-]{1,64}$")  # what is shown of an IdP's error parameter


class SignInRefused(DeskguardError):
    """The IdP sign-in did not prove who this is: nobody is signed in."""

    status, code = 401, "sign_in_refused"


class IdPUnavailable(DeskguardError):
    """The identity provider could not be reached or answered unusably."""

    status, code = 503, "idp_unavailable"


@dataclass(frozen=True)
class Transaction:
    """One sign-in in flight: what the callback must see again (state, nonce) and the PKCE
    verifier only deskguard knows (the IdP sees its S256 challenge)."""

    state: str
    nonce: str
    verifier: str

    @classmethod
    def new(cls) -> Transaction:
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64))

    @property
    def challenge(self) -> str:
        """RFC 7636 4.2: BASE64URL(SHA256(verifier)), without padding."""
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def matches(self, state: str | None) -> bool:
        return isinstance(state, str) and secrets.compare_digest(state, self.state)


class FlowSealer:
    """Signs the transaction into its cookie and reads it back (tamper-proof, time-limited)."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="deskguard-console-oidc")

    def seal(self, tx: Transaction) -> str:
        return self._serializer.dumps([tx.state, tx.nonce, tx.verifier])

    def open(self, cookie: str | None) -> Transaction | None:
        if not cookie:
            return None
        try:
            state, nonce, verifier = self._serializer.loads(cookie, max_age=FLOW_SECONDS)
        except (BadData, TypeError, ValueError):
            return None
        return Transaction(str(state), str(nonce), str(verifier))


def authorization_url(
    metadata: IssuerMetadata, settings: OIDCSettings, tx: Transaction, redirect_uri: str
) -> str:
    if not metadata.authorization_endpoint:
        raise IdPUnavailable(
            "the identity provider's discovery document has no authorization_endpoint"
        )
    params = {
        "response_type": "code",
        "client_id": str(settings.client_id),
        "redirect_uri": redirect_uri,
        "scope": " ".join(settings.scopes),
        "state": tx.state,
        "nonce": tx.nonce,
        "code_challenge": tx.challenge,
        "code_challenge_method": "S256",
    }
    return str(httpx.URL(metadata.authorization_endpoint).copy_merge_params(params))


def exchange_code(
    metadata: IssuerMetadata,
    settings: OIDCSettings,
    *,
    code: str,
    verifier: str,
    redirect_uri: str,
) -> str:
    """The ID token for an authorization code (RFC 6749 4.1.3, with the PKCE verifier)."""
    if not metadata.token_endpoint:
        raise IdPUnavailable("the identity provider's discovery document has no token_endpoint")
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    auth = _client_auth(settings, form)
    try:
        with httpx.Client(timeout=settings.timeout_seconds) as client:
            reply = client.post(
                metadata.token_endpoint,
                data=form,
                auth=auth,
                headers={"Accept": "application/json"},
            )
    except httpx.HTTPError as exc:
        raise IdPUnavailable(
            f"the identity provider's token endpoint could not be reached ({type(exc).__name__})"
        ) from None
    body = _json(reply)
    if reply.status_code != 200:
        error = safe_error_code(body.get("error")) or f"HTTP {reply.status_code}"
        if reply.status_code >= 500:
            raise IdPUnavailable(f"the identity provider's token endpoint failed ({error})")
        raise SignInRefused(f"the identity provider refused the sign-in code ({error})")
    token = body.get("id_token")
    if not isinstance(token, str) or not token:
        raise SignInRefused(
            "the identity provider answered without an ID token (is 'openid' a scope?)"
        )
    return token


def safe_error_code(value: Any) -> str | None:
    """An IdP's `error` value, shown only when it looks like one (OAuth's codes are lowercase
    words): it is untrusted text from a URL anyone can craft."""
    return value if isinstance(value, str) and ERROR_CODE.match(value) else None


def _client_auth(settings: OIDCSettings, form: dict[str, str]) -> httpx.Auth:
    """client_secret_basic (the default) or client_secret_post; a public client sends only its
    id (PKCE is then what binds the code to this sign-in)."""
    client_id = str(settings.client_id)
    if settings.client_secret is None:
        form["client_id"] = client_id
        return NO_AUTH
    secret = settings.client_secret.get_secret_value()
    if settings.token_auth == "client_secret_post":
        form.update(client_id=client_id, client_secret=secret)
        return NO_AUTH
    # RFC 6749 2.3.1: each form-encoded before the Basic scheme joins them
    return httpx.BasicAuth(quote(client_id, safe=""), quote(secret, safe=""))


def _json(reply: httpx.Response) -> dict[str, Any]:
    try:
        body = reply.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
