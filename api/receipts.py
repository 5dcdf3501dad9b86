"""Signed decision receipts the help desk attaches to the ticket (HMAC-SHA256 over canonical JSON).

The key comes from DESKGUARD_RECEIPT_KEY, or is generated once into the data directory (mode 0600).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

ALGORITHM = "HMAC-SHA256"


def load_or_create_key(data_dir: Path, configured: str | None) -> bytes:
    if configured:
        return configured.encode()
    path = data_dir / "receipt.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def sign(payload: dict[str, Any], key: bytes) -> dict[str, Any]:
    signature = hmac.new(key, _canonical(payload), hashlib.sha256).hexdigest()
    return {"payload": payload, "algorithm": ALGORITHM, "signature": signature}


def verify(receipt: dict[str, Any], key: bytes) -> bool:
    payload = receipt.get("payload")
    if not isinstance(payload, dict) or receipt.get("algorithm") != ALGORITHM:
        return False
    expected = hmac.new(key, _canonical(payload), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, str(receipt.get("signature", "")))
