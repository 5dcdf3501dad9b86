"""Okta through the official `okta` SDK: MFA reset = reset factors; password reset = the
reset_password link mailed to the employee's own primary address (never returned to the agent),
or, where the customer chooses, expire_password_with_temp_password; sessions revoked.

Scope `okta.users.manage`: an OAuth service app (private_key_jwt) or an API token of an admin
that only deskguard holds. The SDK is imported lazily."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlparse

from pydantic import BaseModel, Field, SecretStr

from recovery.models import (
    OneTimeSecret,
    Operation,
    RecoveryAction,
    RecoveryConfigError,
    RecoveryError,
    RecoveryOutcome,
    RecoveryRequest,
    Step,
    mask_address,
)

if TYPE_CHECKING:
    from okta.client import Client

PROVIDER = "okta"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Users in these states can sign in again after a recovery; anything else (SUSPENDED,
# DEPROVISIONED, STAGED) is for an administrator, not the help desk.
RECOVERABLE = frozenset({"ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT"})
_ENV_LOCK = threading.Lock()


class OktaConfig(BaseModel):
    org_url: str | None = None  # https://example.okta.com
    api_token: SecretStr | None = None  # SSWS token of a deskguard-only admin
    client_id: str | None = None  # or an OAuth service app with private_key_jwt...
    private_key_path: str | None = None  # ...its PEM private key
    scopes: list[str] = Field(default_factory=lambda: ["okta.users.manage"])
    timeout_seconds: float = 10.0


class OktaExecutor:
    provider: ClassVar[str] = PROVIDER
    operations: ClassVar[dict[RecoveryAction, frozenset[Operation]]] = {
        RecoveryAction.MFA_RESET: frozenset({Operation.RESET_FACTORS}),
        RecoveryAction.PASSWORD_RESET: frozenset(
            {Operation.RESET_PASSWORD_EMAIL, Operation.TEMP_PASSWORD}
        ),
    }

    def __init__(self, config: OktaConfig) -> None:
        self.config = config
        self._client_config = client_config(config)  # fails early on a bad configuration

    async def execute(self, request: RecoveryRequest) -> RecoveryOutcome:
        async with self._client() as client:
            user = await self._user(client, request.employee)
            outcome = RecoveryOutcome(
                provider=PROVIDER,
                action=request.action,
                operation=request.operation,
                target_id=user["id"],
                steps=[],
            )
            steps = outcome.steps  # appended to as each call succeeds
            if request.operation == Operation.RESET_FACTORS:
                # Sessions first: if the reset then fails, the account is only safer.
                if request.revoke_sessions:
                    steps.append(await self._revoke_sessions(client, user["id"], steps))
                steps.append(await self._reset_factors(client, user["id"], steps))
            elif request.operation == Operation.RESET_PASSWORD_EMAIL:
                steps.append(await self._reset_password(client, user["id"], request, steps))
                outcome.delivered_to = mask_address(user["email"])
            elif request.operation == Operation.TEMP_PASSWORD:
                step, secret = await self._temp_password(client, user["id"], request, steps)
                steps.append(step)
                outcome.secret = secret
            else:
                raise RecoveryConfigError(PROVIDER, f"okta cannot run {request.operation.value}")
            return outcome

    async def repudiate(self, employee: str, undo: dict[str, str]) -> list[Step]:
        """Revoke every session and OAuth token, and forget remembered devices."""
        async with self._client() as client:
            user = await self._user(client, employee)
            result = await _call(
                client.revoke_user_sessions(
                    user["id"], oauth_tokens=True, forget_devices=True, **self._auth()
                ),
                "revoke sessions",
                [],
            )
            return [Step(name="okta.revoke_sessions", request_id=result)]

    async def contacts(self, login: str) -> tuple[list[str], list[str]]:
        """The user's secondary address and mobile phone from the Okta profile."""
        async with self._client() as client:
            result: Any = await client.get_user(login, **self._auth())
        if result[-1] is not None:
            raise _error(result[-1], "read the profile", [])
        profile = result[0].profile if result[0] else None
        mails = [profile.second_email] if profile and profile.second_email else []
        phones = [profile.mobile_phone] if profile and profile.mobile_phone else []
        return mails, phones

    # -- calls -------------------------------------------------------------------------------

    async def _user(self, client: Client, login: str) -> dict[str, str]:
        """The Okta user whose login is exactly the verified employee, in a recoverable state."""
        # The SDK's annotations name the model; its calls really answer (data, response, error).
        result: Any = await client.get_user(login, **self._auth())
        error = result[-1]
        if error is not None:
            raise _error(error, "look up the user", [])
        user = result[0]
        profile = user.profile if user else None
        if user is None or profile is None or (profile.login or "").lower() != login.lower():
            raise RecoveryError(PROVIDER, f"no Okta user whose login is {login}")
        status = str(getattr(user.status, "value", user.status) or "")
        if status not in RECOVERABLE:
            raise RecoveryError(PROVIDER, f"the Okta user is {status}; an administrator must act")
        return {"id": str(user.id), "email": str(profile.email or login)}

    async def _revoke_sessions(self, client: Client, user_id: str, steps: list[Step]) -> Step:
        coro = client.revoke_user_sessions(user_id, oauth_tokens=True, **self._auth())
        return Step(name="okta.revoke_sessions", request_id=await _call(coro, "revoke", steps))

    async def _reset_factors(self, client: Client, user_id: str, steps: list[Step]) -> Step:
        coro = client.reset_factors(user_id, **self._auth())
        return Step(name="okta.reset_factors", request_id=await _call(coro, "reset", steps))

    async def _reset_password(
        self, client: Client, user_id: str, request: RecoveryRequest, steps: list[Step]
    ) -> Step:
        # sendEmail=true: Okta mails the link to the user's primary address; with false it would
        # hand the link to whoever called the API, i.e. the agent. Never.
        coro = client.reset_password(
            user_id, send_email=True, revoke_sessions=request.revoke_sessions, **self._auth()
        )
        return Step(name="okta.reset_password", request_id=await _call(coro, "reset", steps))

    async def _temp_password(
        self, client: Client, user_id: str, request: RecoveryRequest, steps: list[Step]
    ) -> tuple[Step, OneTimeSecret]:
        result: Any = await client.expire_password_with_temp_password(
            user_id, revoke_sessions=request.revoke_sessions, **self._auth()
        )
        request_id = _check(result, "expire the password", steps)
        # The SDK maps this answer to User; Okta's body is TempPassword {"tempPassword": ...}.
        from okta.models.temp_password import TempPassword

        try:
            temp = TempPassword.from_dict(json.loads(result[1].raw_data or b"{}"))
        except (ValueError, TypeError):
            temp = None
        if temp is None or not temp.temp_password:
            raise RecoveryError(
                PROVIDER,
                "the password was expired but Okta returned no temporary password; the user "
                "cannot sign in until an administrator resets it",
                request_id=request_id,
            )
        secret = OneTimeSecret(kind="temporary_password", value=SecretStr(temp.temp_password))
        return Step(name="okta.expire_password_with_temp_password", request_id=request_id), secret

    # -- client --------------------------------------------------------------------------------

    def _auth(self) -> dict[str, Any]:
        """The SDK's generated calls send 'SSWS<token>' without the space Okta's API reference
        requires; an explicit per-call header fixes that. OAuth mode uses the SDK's own token."""
        token = self.config.api_token
        if token is None:
            return {}
        value = f"SSWS {token.get_secret_value()}"
        header = {"in": "header", "type": "api_key", "key": "Authorization", "value": value}
        return {"_request_auth": header}

    @asynccontextmanager
    async def _client(self) -> AsyncIterator[Client]:
        from okta.client import Client

        with _local_http_allowed(self.config.org_url or ""):
            client = Client(self._client_config)
        try:
            async with client:
                yield client
        except RecoveryError:
            raise
        except Exception as exc:  # connection refused, DNS, time-out: nothing was confirmed
            raise RecoveryError(PROVIDER, f"Okta unreachable ({type(exc).__name__})") from None


def client_config(config: OktaConfig) -> dict[str, Any]:
    """The SDK's user configuration; retries off (a reset must not run twice), no cache."""
    url = (config.org_url or "").rstrip("/")
    parsed = urlparse(url)
    if not (parsed.scheme == "https" or (parsed.scheme == "http" and _is_local(url))):
        raise RecoveryConfigError(
            PROVIDER, "set DESKGUARD_RECOVERY__OKTA__ORG_URL to https://<your org>.okta.com"
        )
    base: dict[str, Any] = {
        "orgUrl": url,
        "rateLimit": {"maxRetries": 0},
        "requestTimeout": config.timeout_seconds,
        "cache": {"enabled": False},
    }
    if config.api_token is not None:
        return base | {"authorizationMode": "SSWS", "token": config.api_token.get_secret_value()}
    if config.client_id and config.private_key_path:
        return base | {
            "authorizationMode": "PrivateKey",
            "clientId": config.client_id,
            "scopes": config.scopes,
            "privateKey": Path(config.private_key_path).read_text(encoding="utf-8"),
        }
    raise RecoveryConfigError(
        PROVIDER,
        "set DESKGUARD_RECOVERY__OKTA__API_TOKEN, or __CLIENT_ID and __PRIVATE_KEY_PATH of an "
        "OAuth service app granted okta.users.manage",
    )


def _is_local(url: str) -> bool:
    return urlparse(url).hostname in LOCAL_HOSTS


@contextmanager
def _local_http_allowed(url: str) -> Any:
    """The SDK accepts plain http only through its testing switch, read from the environment
    while the client is built; set it for a loopback fake and nowhere else."""
    if not _is_local(url):
        yield
        return
    name = "OKTA_TESTING_TESTINGDISABLEHTTPSCHECK"
    with _ENV_LOCK:
        before = os.environ.get(name)
        os.environ[name] = "true"
        try:
            yield
        finally:
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before


async def _call(coro: Awaitable[Any], what: str, steps: list[Step]) -> str | None:
    return _check(await coro, what, steps)


def _check(result: Any, what: str, steps: list[Step]) -> str | None:
    """The SDK answers (data, response, error) tuples; an error becomes RecoveryError. Returns
    the X-Okta-Request-Id of the successful call."""
    error = result[-1]
    if error is not None:
        raise _error(error, what, steps)
    return _request_id(getattr(result[1], "headers", None))


def _request_id(headers: Any) -> str | None:
    wanted = "x-okta-request-id"
    return next((str(v) for k, v in dict(headers or {}).items() if k.lower() == wanted), None)


def _error(error: Any, what: str, steps: list[Step]) -> RecoveryError:
    status = getattr(error, "status", None)
    code = getattr(error, "error_code", "") or ""
    summary = getattr(error, "error_summary", "") or type(error).__name__
    request_id = _request_id(getattr(error, "headers", None))
    return RecoveryError(
        PROVIDER,
        f"{what} failed: HTTP {status} {code} {summary}".strip(),
        status=status if isinstance(status, int) else None,
        request_id=request_id,
        steps=list(steps),
    )
