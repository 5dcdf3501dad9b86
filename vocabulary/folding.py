"""Case and Unicode folding, so look-alike text compares equal."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """NFKC, drop invisible format characters (zero-width joiners, bidi marks), casefold."""
    if text.isascii():  # NFKC leaves ASCII as it is, and no ASCII character is a format one
        return text.casefold()
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.casefold()
