"""Secrets kept in the data directory, readable by the owner only (mode 0600).

Files are written to a temporary name and then linked or renamed into place, so a reader never sees
half a key and two processes creating the same file at once end up sharing the winner's.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path


def _write_temp(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    return tmp


def create_private(path: Path, text: str) -> str:
    """Writes `text` unless the file exists; returns what the file holds afterwards."""
    tmp = _write_temp(path, text)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return path.read_text()


def replace_private(path: Path, text: str) -> None:
    os.replace(_write_temp(path, text), path)


def load_or_create_secret(path: Path, configured: str | None) -> bytes:
    """The configured secret, else the one in `path` (generated once: 256 random bits)."""
    if configured:
        return configured.encode()
    if path.exists():
        return path.read_text().strip().encode()
    return create_private(path, secrets.token_hex(32)).strip().encode()
