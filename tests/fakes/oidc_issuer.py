"""An OIDC issuer on 127.0.0.1 for the API's bearer tokens and the console's sign-in: discovery
document, JWKS (rotating EC keys), an authorization endpoint that signs the configured user in
at once (302 back to the redirect URI with a code and the state), and a token endpoint that
checks the client's credentials, the redirect URI and the PKCE verifier before it hands out an
ID token signed with joserfc. `user` is who signs in; `id_claims` overrides the ID token's
claims (a wrong nonce, audience, issuer...); `host` names the issuer by another loopback name
("localhost"), so a browser sees it as another site than a console on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

from joserfc import jwt
from joserfc.jwk import ECKey

from tests.fakes.local_http import FakeHTTPServer, Reply, Request

AUDIENCE = "api://deskguard"  # bearer tokens for the API
CLIENT_ID = "deskguard-console"  # the console's app registration
CLIENT_SECRET = "s3cret~for.the-console"


@dataclass
class Grant:
    """What the authorization endpoint handed out for one code."""

    client_id: str
    redirect_uri: str
    nonce: str | None
    challenge: str | None
    method: str | None


@dataclass
class FakeIssuer:
    host: str = "127.0.0.1"
    keys: list[ECKey] = field(
        default_factory=lambda: [ECKey.generate_key("P-256", parameters={"kid": "k1"})]
    )
    user: dict[str, Any] = field(
        default_factory=lambda: {
            "sub": "00u1agent",
            "preferred_username": "pat.agent@corp.example",
            "roles": ["deskguard.helpdesk"],
        }
    )
    id_claims: dict[str, Any] = field(default_factory=dict)
    id_key: ECKey | None = None  # signs the ID tokens in place of the published key
    # A page on the IdP's site whose link the user follows back (as after typing a password),
    # in place of an immediate redirect: the browser then sees a navigation another site began.
    interactive: bool = False
    grants: dict[str, Grant] = field(default_factory=dict)
    server: FakeHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        self.server = FakeHTTPServer(self.route)

    @property
    def url(self) -> str:
        return self.server.url.replace("127.0.0.1", self.host)

    def start(self) -> FakeIssuer:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def route(self, request: Request) -> Reply:
        if request.path == "/.well-known/openid-configuration":
            return Reply(200, self.discovery())
        if request.path == "/keys":
            return Reply(200, {"keys": [k.as_dict(private=False) for k in self.keys]})
        if request.path == "/authorize":
            return self._authorize(request)
        if request.path == "/token" and request.method == "POST":
            return self._token(request)
        return Reply(404, {"error": "not_found"})

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "jwks_uri": f"{self.url}/keys",
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["ES256"],
        }

    def rotate(self, kid: str) -> None:
        self.keys.append(ECKey.generate_key("P-256", parameters={"kid": kid}))

    def token(self, key: ECKey | None = None, **claims: Any) -> str:
        """A signed token for the user (a bearer token for the API unless claims say else)."""
        key = key or self.keys[-1]
        now = int(time.time())
        body = {"iss": self.url, "aud": AUDIENCE, "iat": now, "exp": now + 300, **self.user}
        return jwt.encode({"alg": "ES256", "kid": key.kid}, {**body, **claims}, key)

    def _authorize(self, request: Request) -> Reply:
        q = {k: v[0] for k, v in request.query.items()}
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            q.get("client_id", ""),
            q.get("redirect_uri", ""),
            q.get("nonce"),
            q.get("code_challenge"),
            q.get("code_challenge_method"),
        )
        back = f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q.get('state', '')})}"
        if self.interactive:
            page = (
                f'<!doctype html><title>Fake IdP</title><a href="{html.escape(back)}">Continue</a>'
            )
            return Reply(200, raw=page.encode(), content_type="text/html")
        return Reply(302, headers={"Location": back})

    def _token(self, request: Request) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        grant = self.grants.pop(form.get("code", ""), None)  # a code is good once
        if grant is None or form.get("grant_type") != "authorization_code":
            return Reply(400, {"error": "invalid_grant"})
        if self._client(request, form) != grant.client_id or grant.client_id != CLIENT_ID:
            return Reply(401, {"error": "invalid_client"})
        if form.get("redirect_uri") != grant.redirect_uri:
            return Reply(400, {"error": "invalid_grant"})
        if grant.method != "S256" or _s256(form.get("code_verifier", "")) != grant.challenge:
            return Reply(400, {"error": "invalid_grant"})  # RFC 7636 4.6
        claims = {"aud": CLIENT_ID, "nonce": grant.nonce, **self.id_claims}
        return Reply(200, {"access_token": "opaque", "token_type": "Bearer",
                           "id_token": self.token(self.id_key, **claims)})  # fmt: skip

    def _client(self, request: Request, form: dict[str, str]) -> str | None:
        """client_secret_basic; the secret must match."""
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return None
        client, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        return unquote(client) if unquote(secret) == CLIENT_SECRET else None


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
