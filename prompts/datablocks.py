"""Untrusted values go into prompts as quoted JSON inside delimited data blocks.

Every variable a prompt is rendered with (ticket titles, mail subjects, caller answers, even
counts) is JSON-encoded and wrapped in `<data name="...">` ... `</data>`. JSON quoting keeps a value
inside its string; on top of that, the characters a value would need to imitate or close a block
(`<`, `>`) and invisible direction/zero-width characters are written as \\uXXXX escapes, so the
literal text `</data>` can never appear inside a block. The system prompt tells the model that
block contents are data, never instructions.
"""

from __future__ import annotations

import json
import re

from pydantic_core import to_jsonable_python

BLOCK_OPEN = '<data name="{name}">'
BLOCK_CLOSE = "</data>"

# <, > (delimiter imitation), bidi overrides/isolates and zero-width characters (hidden text).
_NEUTRALISE = re.compile(
    "[<>\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def quote(value: object) -> str:
    """JSON for `value` with delimiter-like and invisible characters escaped."""
    text = json.dumps(to_jsonable_python(value), ensure_ascii=False, separators=(", ", ": "))
    return _NEUTRALISE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def data_block(name: str, value: object) -> str:
    """One delimited block holding `value` as quoted JSON."""
    if not _NAME.match(name):
        raise ValueError(f"data block names are lower_snake_case identifiers, got {name!r}")
    return f"{BLOCK_OPEN.format(name=name)}\n{quote(value)}\n{BLOCK_CLOSE}"


def block_contents(text: str, name: str) -> list[str]:
    """The raw contents of every block called `name` in `text` (for tests and audits)."""
    pattern = re.escape(BLOCK_OPEN.format(name=name)) + r"\n(.*?)\n" + re.escape(BLOCK_CLOSE)
    return re.findall(pattern, text, flags=re.DOTALL)
