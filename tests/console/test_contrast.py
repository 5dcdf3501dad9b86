"""WCAG 2.2 AA contrast of the console's palette, computed from console.css's variables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "api" / "console" / "static" / "console.css"
TEXT, NON_TEXT = 4.5, 3.0  # WCAG 2.2 SC 1.4.3 (normal text) and 1.4.11 / 2.4.13 (focus, borders)

# (foreground, background, minimum): every pair the stylesheet puts together.
PAIRS = [
    ("ink", "paper", TEXT),
    ("ink", "panel", TEXT),
    ("muted", "paper", TEXT),
    ("muted", "panel", TEXT),
    ("accent", "paper", TEXT),  # links and outlined buttons
    ("accent", "panel", TEXT),
    ("accent-ink", "accent", TEXT),  # primary buttons
    ("allow-ink", "allow-bg", TEXT),
    ("deny-ink", "deny-bg", TEXT),
    ("deny-ink", "paper", TEXT),  # the countdown's last minute
    ("escalate-ink", "escalate-bg", TEXT),
    ("ink", "allow-bg", TEXT),  # body text inside a decision panel
    ("ink", "deny-bg", TEXT),
    ("ink", "escalate-bg", TEXT),
    ("focus", "paper", NON_TEXT),  # the focus outline
    ("focus", "panel", NON_TEXT),
    ("line", "paper", NON_TEXT),  # form field borders
    ("line", "panel", NON_TEXT),
]


def palette() -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS.read_text()))


def luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2.2 definition)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the AA grey


@pytest.mark.parametrize("fg, bg, minimum", PAIRS)
def test_palette_pair_meets_aa(fg: str, bg: str, minimum: float) -> None:
    colours = palette()
    ratio = contrast(colours[fg], colours[bg])
    assert ratio >= minimum, f"{fg} on {bg}: {ratio:.2f}:1 < {minimum}:1"
