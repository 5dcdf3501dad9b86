"""Microsoft Entra through msgraph-sdk, app-only: MFA re-enrolment = a one-time Temporary Access
Pass; password reset = passwordProfile with forceChangePasswordNextSignInWithMfa and a generated
temporary password; sign-in sessions revoked. Graph's resetPassword is delegated-only and is
never used.

Application permissions: UserAuthenticationMethod.ReadWrite.All (TAP), User-PasswordProfile.
ReadWrite.All or User.ReadWrite.All (password, revokeSignInSessions). The caller (api) hands in
a factory for a configured GraphServiceClient, so the one Graph client builder stays in context/."""

from __future__ import annotations

import secrets
import string
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from recovery.models import (
    OneTimeSecret,
    Operation,
    RecoveryAction,
    RecoveryConfigError,
    RecoveryError,
    RecoveryOutcome,
    RecoveryRequest,
    Step,
)

if TYPE_CHECKING:
    from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
    from msgraph.graph_service_client import GraphServiceClient

PROVIDER = "entra"
GraphFactory = Callable[[], AbstractAsyncContextManager["GraphServiceClient"]]
T = TypeVar("T")
PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!#%+-=?@"


class EntraExecutor:
    provider: ClassVar[str] = PROVIDER
    operations: ClassVar[dict[RecoveryAction, frozenset[Operation]]] = {
        RecoveryAction.MFA_RESET: frozenset({Operation.TEMPORARY_ACCESS_PASS}),
        RecoveryAction.PASSWORD_RESET: frozenset({Operation.TEMP_PASSWORD}),
    }

    def __init__(self, graph: GraphFactory, *, tap_lifetime_minutes: int = 60) -> None:
        self.graph = graph
        self.tap_lifetime_minutes = tap_lifetime_minutes

    async def execute(self, request: RecoveryRequest) -> RecoveryOutcome:
        async with _opened(self.graph) as client:
            user_id = await self._user_id(client, request.employee)
            user = client.users.by_user_id(user_id)
            outcome = RecoveryOutcome(
                provider=PROVIDER,
                action=request.action,
                operation=request.operation,
                target_id=user_id,
                steps=[],
                undo={"user_id": user_id},
            )
            steps = outcome.steps  # appended to as each call succeeds
            # Sessions first: if the credential step then fails, the account is only safer.
            if request.revoke_sessions:
                steps.append(await self._revoke(user, steps))
            if request.operation == Operation.TEMPORARY_ACCESS_PASS:
                step, outcome.secret, tap_id = await self._tap(user, steps)
                outcome.undo["tap_method_id"] = tap_id
            elif request.operation == Operation.TEMP_PASSWORD:
                step, outcome.secret = await self._password(user, steps)
            else:
                raise RecoveryConfigError(PROVIDER, f"entra cannot run {request.operation.value}")
            steps.append(step)
            return outcome

    async def repudiate(self, employee: str, undo: dict[str, str]) -> list[Step]:
        """Revoke sign-in sessions and delete the TAP this recovery issued, if still there."""
        async with _opened(self.graph) as client:
            user_id = undo.get("user_id") or await self._user_id(client, employee)
            user = client.users.by_user_id(user_id)
            steps = [await self._revoke(user, [])]
            tap_id = undo.get("tap_method_id")
            if tap_id:
                methods = user.authentication.temporary_access_pass_methods
                call = methods.by_temporary_access_pass_authentication_method_id(tap_id).delete
                try:
                    _, request_id = await graph_call(call, "delete the TAP", steps)
                    steps.append(Step(name="entra.delete_tap", request_id=request_id))
                except RecoveryError as exc:
                    if exc.status != 404:  # already used or expired and gone: nothing to undo
                        raise
            return steps

    async def _user_id(self, client: GraphServiceClient, upn: str) -> str:
        from msgraph.generated.users.item.user_item_request_builder import (
            UserItemRequestBuilder,
        )

        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
            select=["id", "userPrincipalName", "accountEnabled"]
        )
        builder = client.users.by_user_id(upn)
        user, _ = await graph_call(builder.get, "look up the user", [], query=query)
        if user is None or (user.user_principal_name or "").lower() != upn.lower():
            raise RecoveryError(PROVIDER, f"no Entra user whose userPrincipalName is {upn}")
        if user.account_enabled is False:
            raise RecoveryError(PROVIDER, "the Entra account is disabled; an admin must act")
        return str(user.id)

    async def _revoke(self, user: UserItemRequestBuilder, steps: list[Step]) -> Step:
        call = user.revoke_sign_in_sessions.post
        _, request_id = await graph_call(call, "revoke sign-in sessions", steps)
        return Step(name="entra.revoke_sign_in_sessions", request_id=request_id)

    async def _tap(
        self, user: UserItemRequestBuilder, steps: list[Step]
    ) -> tuple[Step, OneTimeSecret, str]:
        from msgraph.generated.models.temporary_access_pass_authentication_method import (
            TemporaryAccessPassAuthenticationMethod,
        )

        body = TemporaryAccessPassAuthenticationMethod(
            lifetime_in_minutes=self.tap_lifetime_minutes, is_usable_once=True
        )
        methods = user.authentication.temporary_access_pass_methods
        tap, request_id = await graph_call(
            lambda config: methods.post(body, config), "create a TAP", steps
        )
        if tap is None or not tap.temporary_access_pass or not tap.id:
            raise RecoveryError(PROVIDER, "Graph returned no usable TAP", steps=steps)
        start = tap.start_date_time or tap.created_date_time
        lifetime = timedelta(minutes=tap.lifetime_in_minutes or self.tap_lifetime_minutes)
        secret = OneTimeSecret(
            kind="temporary_access_pass",
            value=tap.temporary_access_pass,
            expires_at=start + lifetime if start else None,
        )
        step = Step(name="entra.create_temporary_access_pass", request_id=request_id)
        return step, secret, tap.id

    async def _password(
        self, user: UserItemRequestBuilder, steps: list[Step]
    ) -> tuple[Step, OneTimeSecret]:
        from msgraph.generated.models.password_profile import PasswordProfile
        from msgraph.generated.models.user import User

        password = temporary_password()
        body = User(
            password_profile=PasswordProfile(
                password=password, force_change_password_next_sign_in_with_mfa=True
            )
        )
        _, request_id = await graph_call(
            lambda config: user.patch(body, config), "set a temporary password", steps
        )
        secret = OneTimeSecret(kind="temporary_password", value=password)
        return Step(name="entra.set_temporary_password", request_id=request_id), secret


def temporary_password(length: int = 16) -> str:
    """Random, with every character class Entra's complexity rule asks for."""
    while True:
        value = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        classes = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "!#%+-=?@"]
        if all(any(c in cls for c in value) for cls in classes):
            return value


class _opened:
    """Opens the client from the factory; a failure to build it is a RecoveryError."""

    def __init__(self, factory: GraphFactory) -> None:
        self.factory = factory
        self.cm: AbstractAsyncContextManager[GraphServiceClient] | None = None

    async def __aenter__(self) -> GraphServiceClient:
        try:
            self.cm = self.factory()
            return await self.cm.__aenter__()
        except RecoveryError:
            raise
        except Exception as exc:
            raise RecoveryConfigError(PROVIDER, f"Graph client: {exc}") from None

    async def __aexit__(self, *exc: Any) -> None:
        if self.cm is not None:
            await self.cm.__aexit__(*exc)


async def graph_call(
    call: Callable[[Any], Awaitable[T]], what: str, steps: list[Step], *, query: Any = None
) -> tuple[T, str | None]:
    """Run one Graph call with a request configuration; return its value and the request-id
    response header. Any failure becomes RecoveryError with the HTTP status, never a secret."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from kiota_http.middleware.options import HeadersInspectionHandlerOption

    inspect = HeadersInspectionHandlerOption(inspect_response_headers=True)
    try:
        value = await call(RequestConfiguration(query_parameters=query, options=[inspect]))
    except Exception as exc:
        status = getattr(exc, "response_status_code", None)
        detail = f"HTTP {status}" if status else type(exc).__name__
        raise RecoveryError(
            PROVIDER, f"{what} failed: {detail}", status=status, steps=list(steps)
        ) from None
    ids = inspect.response_headers.get("request-id")
    return value, next(iter(ids), None) if ids else None
