"""Source manifests: what each connector declares it reads, and the check that what it actually
requested stays inside that declaration (endpoint by path template, fields as a subset)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from context.connectors.base import Connector, EndpointDeclaration, SourceManifest


class ManifestViolation(AssertionError):
    """A connector requested an endpoint or a field its manifest does not declare."""


def manifests(connectors: Iterable[Connector]) -> list[SourceManifest]:
    return [c.manifest() for c in connectors]


def _template_regex(template: str) -> re.Pattern[str]:
    """/users/{id}/calendarView -> ^/users/[^/]+/calendarView$ (case-insensitive, like Graph)."""
    parts = re.split(r"(\{[^}]+\})", template)
    body = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts if p)
    return re.compile(f"^{body}/?$", re.IGNORECASE)


def match_endpoint(manifest: SourceManifest, requested_path: str) -> EndpointDeclaration | None:
    for endpoint in manifest.endpoints:
        if _template_regex(endpoint.path).match(requested_path):
            return endpoint
    return None


def assert_within_manifest(
    manifest: SourceManifest, requested_path: str, requested_fields: Sequence[str]
) -> None:
    """Raise ManifestViolation unless the path matches a declared endpoint and every requested
    field is one that endpoint declares."""
    endpoint = match_endpoint(manifest, requested_path)
    if endpoint is None:
        raise ManifestViolation(f"{manifest.connector}: undeclared endpoint {requested_path}")
    extra = sorted(set(requested_fields) - set(endpoint.fields))
    if extra:
        raise ManifestViolation(
            f"{manifest.connector}: {endpoint.path} requested undeclared fields {extra}"
        )
