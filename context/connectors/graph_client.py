"""Building a GraphServiceClient from GraphConfig, and calling it within a time-out and a bounded
retry budget. msgraph, kiota and azure are imported lazily (they are heavy)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

from context.config import GraphConfig
from context.connectors.base import ConnectorError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from azure.core.credentials import AccessToken
    from msgraph.graph_service_client import GraphServiceClient

T = TypeVar("T")
GRAPH_SCOPES = ["https://graph.microsoft.com/.default"]
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
RETRY_STATUSES = frozenset({429, 503, 504})


class GraphCallError(ConnectorError):
    """A Graph call failed; `status` is the HTTP status when there was one (404: not found)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__("graph", message)
        self.status = status


class StaticTokenCredential:
    """An async token credential for a token issued elsewhere (workload identity, tests)."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        from azure.core.credentials import AccessToken

        return AccessToken(self._token, int(time.time()) + 3600)

    def __repr__(self) -> str:  # never show the token
        return "StaticTokenCredential(***)"


def check_base_url(base_url: str) -> str:
    """https everywhere; plain http only for a local fake."""
    parsed = urlparse(base_url)
    if parsed.scheme == "https" or (parsed.scheme == "http" and parsed.hostname in LOCAL_HOSTS):
        return base_url.rstrip("/")
    raise ConnectorError("graph", "base_url must be https (http only for localhost/127.0.0.1)")


def credential_for(config: GraphConfig) -> Any:
    """A static token, a client secret or a certificate (azure-identity aio credentials)."""
    if config.access_token is not None:
        return StaticTokenCredential(config.access_token.get_secret_value())
    if not (config.tenant_id and config.client_id):
        raise ConnectorError(
            "graph", "set access_token, or tenant_id + client_id with client_secret or certificate"
        )
    from azure.identity.aio import CertificateCredential, ClientSecretCredential

    if config.client_secret is not None:
        secret = config.client_secret.get_secret_value()
        return ClientSecretCredential(config.tenant_id, config.client_id, secret)
    if config.certificate_path:
        return CertificateCredential(
            config.tenant_id, config.client_id, certificate_path=config.certificate_path
        )
    raise ConnectorError("graph", "tenant_id + client_id need client_secret or certificate_path")


@asynccontextmanager
async def graph_client(config: GraphConfig) -> AsyncIterator[GraphServiceClient]:
    """A client whose adapter points at config.base_url, with the SDK's own retries off (we
    retry ourselves, inside a budget) and the token sent only to that host."""
    import httpx
    from kiota_authentication_azure.azure_identity_authentication_provider import (
        AzureIdentityAuthenticationProvider,
    )
    from kiota_http.middleware.options import RetryHandlerOption
    from msgraph.graph_request_adapter import GraphRequestAdapter
    from msgraph.graph_service_client import GraphServiceClient
    from msgraph_core import GraphClientFactory

    base_url = check_base_url(config.base_url)
    host = urlparse(base_url).hostname or ""
    credential = credential_for(config)
    # National clouds (graph.microsoft.us ...) take their own scope; a local fake takes any.
    scopes = GRAPH_SCOPES if host in LOCAL_HOSTS else [f"https://{host}/.default"]
    auth = AzureIdentityAuthenticationProvider(credential, scopes=scopes, allowed_hosts=[host])
    no_retry = RetryHandlerOption(delay=0, max_retries=0, should_retry=False)
    async with httpx.AsyncClient(timeout=config.timeout_seconds) as http:
        http = GraphClientFactory.create_with_default_middleware(
            client=http, options={no_retry.get_key(): no_retry}
        )
        adapter = GraphRequestAdapter(auth, client=http)
        adapter.base_url = base_url
        try:
            yield GraphServiceClient(request_adapter=adapter)
        finally:
            close = getattr(credential, "close", None)
            if close is not None:
                await close()


def _retry_after(exc: BaseException) -> float | None:
    """Seconds to wait before retrying, or None when the error is not retryable."""
    status = getattr(exc, "response_status_code", None)
    if status not in RETRY_STATUSES:
        return None
    headers = getattr(exc, "response_headers", None) or {}
    raw = next((v for k, v in dict(headers).items() if k.lower() == "retry-after"), None)
    try:
        return max(0.0, float(raw)) if raw is not None else 1.0
    except (TypeError, ValueError):
        return 1.0


def describe(exc: BaseException) -> str:
    """A failure message without secrets: status code and error type only."""
    status = getattr(exc, "response_status_code", None)
    return f"HTTP {status}" if status else type(exc).__name__


async def call_with_retry(
    call: Callable[[], Awaitable[T]], *, what: str, timeout: float, budget: float
) -> T:
    """Run one Graph call under `timeout`; on 429/503/504 wait Retry-After and try again while
    the wait fits in `budget` seconds; otherwise raise ConnectorError naming the call. An answer
    that is not what Graph sends is a failed call too (`well_formed`)."""
    deadline = time.monotonic() + budget
    while True:
        try:
            answer = await asyncio.wait_for(call(), timeout)
        except TimeoutError:
            raise GraphCallError(f"{what}: no answer within {timeout:g}s") from None
        except Exception as exc:
            wait = _retry_after(exc)
            if wait is None or time.monotonic() + wait > deadline:
                # `from None`: the SDK error may carry response headers; keep only the status.
                status = getattr(exc, "response_status_code", None)
                raise GraphCallError(f"{what}: {describe(exc)}", status) from None
            await asyncio.sleep(wait)
        else:
            return well_formed(answer, what)


def well_formed(answer: T, what: str) -> T:
    """A Graph GET answers a collection page with `value` or an entity with its `id`. Kiota
    reads an empty 200 body as None and a body of the wrong shape (a list, a string, `{}`) as an
    empty model: taken as they come, a broken source reads as "nothing in the window" and a
    broken directory as "no such user", and the questions narrow to the sources still answering
    (issue 18). Both are failed calls."""
    if answer is None:
        raise GraphCallError(f"{what}: empty response")
    if hasattr(answer, "value"):  # a collection page (EventCollectionResponse ...)
        if answer.value is None:
            raise GraphCallError(f"{what}: malformed response (no value)")
    elif getattr(answer, "id", None) is None:  # an entity (User, DirectoryObject ...)
        raise GraphCallError(f"{what}: malformed response (no id)")
    return answer
