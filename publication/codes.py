"""Verification codes printed on every document, and content hashes."""

from __future__ import annotations

import hashlib
import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: the code is read off paper and typed in by hand.
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
GROUPS = 3
GROUP_SIZE = 4


def new_verification_code() -> str:
    """``XXXX-XXXX-XXXX``: 12 random symbols from 25 (~55 bits), unguessable in practice."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    return "-".join(symbols[i:i + GROUP_SIZE] for i in range(0, len(symbols), GROUP_SIZE))


def normalize_code(raw: str) -> str | None:
    """The canonical form of a typed code (case, spaces and dashes forgiven), or None."""
    cleaned = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    if len(cleaned) != GROUPS * GROUP_SIZE or any(ch not in ALPHABET for ch in cleaned):
        return None
    return "-".join(cleaned[i:i + GROUP_SIZE] for i in range(0, len(cleaned), GROUP_SIZE))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
