"""Console sign-in: a per-agent API key pasted once, or the company IdP (OIDC Authorization
Code flow with PKCE, api/console/idp_sign_in.py), then a signed session cookie.

The cookie (Starlette's SessionMiddleware, signed with itsdangerous; HttpOnly, SameSite=Strict,
path /console) holds the key's id, never the key, so a stolen cookie does not reveal the key, and
revoking the key ends every session made with it. An IdP sign-in's session holds the principal
the ID token was mapped to (`oidc:<sub>`, its role and name), good for the session's hours; a
role removed in the IdP applies at the next sign-in. Every form carries a per-session CSRF token.
Every sign-in, either way, goes through `start_session`: logged and audited (`console.signed_in`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import structlog
from fastapi import Depends, Request

from api.auth import KEY_PREFIX, Permission, Principal, Role
from api.deps import authenticate_from
from api.errors import DeskguardError, Forbidden, Unauthorized
from api.runtime import Runtime
from api.storage import ApiKeyRow

SESSION_COOKIE = "deskguard_console"
SECRET_FILE = "console-session.key"
SIGNED_IN_EVENT = "console.signed_in"
log = structlog.get_logger("deskguard.console")


class NotSignedIn(DeskguardError):
    """No valid console session: the console answers with the sign-in page."""

    status, code = 401, "unauthorized"


class CsrfRefused(DeskguardError):
    status, code = 403, "csrf_refused"


def session_secret(data_dir: Path, configured: str | None) -> str:
    """The configured secret, or one generated once into the data directory (mode 0600)."""
    if configured:
        return configured
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created with the session (also before sign-in)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuses a form post without this session's token, or sent from another site."""
    if request.headers.get("sec-fetch-site", "same-origin") not in {"same-origin", "none"}:
        raise CsrfRefused("this form was sent from another site; it was refused")
    sent = (await request.form()).get("csrf")
    token = request.session.get("csrf")
    if not isinstance(sent, str) or not isinstance(token, str):
        raise CsrfRefused("this form has expired; reload the page and try again")
    if not secrets.compare_digest(sent, token):
        raise CsrfRefused("this form has expired; reload the page and try again")


def sign_in_with_key(request: Request, runtime: Runtime, key: str) -> Principal:
    """Checked, logged and throttled like an API request (api/deps.py). An IdP token is refused
    here: a key session is tied to its key (revoking it ends the session)."""
    key = key.strip()
    if not key.startswith(KEY_PREFIX):
        raise Unauthorized("paste an API key (it starts with dg_), not an identity provider token")
    principal = authenticate_from(request, runtime, f"Bearer {key}", tokens=False)
    start_session(request, principal, method="api_key")
    return principal


def start_session(request: Request, principal: Principal, *, method: str) -> None:
    """A fresh session (new CSRF token) so nothing from before sign-in carries over; the
    sign-in is logged and audited. A key session keeps only the key's id (the key's row is read
    on every page); an IdP session keeps the principal its ID token was mapped to."""
    runtime: Runtime = request.app.state.runtime
    runtime.audit.append(  # first: a sign-in that cannot be audited starts no session
        actor=principal.actor,
        event=SIGNED_IN_EVENT,
        verification_id=None,
        detail={"method": method, "role": principal.role.value},
    )
    log.info("console_signed_in", method=method, actor=principal.actor, client=request.state.client)
    request.session.clear()
    at = datetime.now(UTC).isoformat()
    request.session.update(key_id=principal.key_id, method=method, at=at)
    if method == "oidc":
        request.session.update(role=principal.role.value, name=principal.name)
    csrf_token(request)


def home_for(principal: Principal) -> str:
    if principal.can(Permission.VERIFY):
        return "/console/start"
    return "/console/security" if principal.can(Permission.PREVIEW) else "/console/audit"


def end_session(request: Request) -> None:
    request.session.clear()


def principal_from_session(request: Request, runtime: Runtime, max_age: timedelta) -> Principal:
    key_id, at = request.session.get("key_id"), request.session.get("at")
    if not isinstance(key_id, str) or not isinstance(at, str):
        raise NotSignedIn("sign in with your API key")
    if datetime.fromisoformat(at) + max_age < datetime.now(UTC):
        raise NotSignedIn("your session ended; sign in again")
    if request.session.get("method") == "oidc":
        return _idp_principal(request, key_id)
    with runtime.db.session() as session:
        row = session.get(ApiKeyRow, key_id)
    if row is None or row.revoked_at is not None:
        raise NotSignedIn("your API key was revoked; ask for a new one and sign in again")
    return Principal(row.id, Role(row.role), row.name)


def _idp_principal(request: Request, key_id: str) -> Principal:
    """The principal an IdP sign-in mapped (the cookie is signed: nobody else could write it)."""
    role, name = request.session.get("role"), request.session.get("name")
    if not isinstance(role, str) or role not in set(Role) or not isinstance(name, str):
        raise NotSignedIn("sign in again")
    return Principal(key_id, Role(role), name)


def current_principal(request: Request) -> Principal:
    console = request.app.state.console
    return principal_from_session(request, request.app.state.runtime, console.session_max_age)


def require(permission: Permission) -> object:
    """A dependency: the signed-in principal, refused unless its API role has `permission`."""

    def dependency(request: Request) -> Principal:
        principal = current_principal(request)
        if not principal.can(permission):
            raise Forbidden(
                f"your role ({principal.role.value}) may not see this page; "
                "it needs a key with a role that may " + permission.replace("_", " ")
            )
        return principal

    return Depends(dependency)


Verifier = Annotated[Principal, require(Permission.VERIFY)]
StatusReader = Annotated[Principal, require(Permission.READ_STATUS)]
AnswerReader = Annotated[Principal, require(Permission.READ_ANSWERS)]
Auditor = Annotated[Principal, require(Permission.AUDIT)]
SignedIn = Annotated[Principal, Depends(current_principal)]
Csrf = Annotated[None, Depends(check_csrf)]
