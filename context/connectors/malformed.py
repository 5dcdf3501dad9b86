"""The one error a connector's parser raises for a single bad source item."""

from __future__ import annotations


class MalformedItem(ValueError):
    """One source item that cannot be normalised; counted as skipped, never fatal."""
