"""A tiny document model (headings, paragraphs, tables, images, code) rendered to Markdown and
HTML, so both reports carry exactly the same content."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]


@dataclass(frozen=True)
class Image:
    src: str
    alt: str


@dataclass(frozen=True)
class Code:
    text: str


Block = Heading | Para | Table | Image | Code


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        match block:
            case Heading(level, text):
                out.append(f"{'#' * level} {text}")
            case Para(text):
                out.append(text)
            case Table(headers, rows):
                lines = ["| " + " | ".join(_md_cell(h) for h in headers) + " |"]
                lines.append("|" + "---|" * len(headers))
                lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
                out.append("\n".join(lines))
            case Image(src, alt):
                out.append(f"![{alt}]({src})")
            case Code(text):
                out.append(f"```\n{text}\n```")
    return "\n\n".join(out) + "\n"


STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:1em 0;font-size:14px}"
    "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}pre{background:#f6f6f6;padding:1em;overflow:auto}img{max-width:100%}"
)


def to_html(blocks: Sequence[Block], title: str) -> str:
    e = html.escape
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{e(title)}</title>"
        f"<style>{STYLE}</style></head><body>"
    ]
    for block in blocks:
        match block:
            case Heading(level, text):
                parts.append(f"<h{level}>{e(text)}</h{level}>")
            case Para(text):
                parts.append(f"<p>{e(text)}</p>")
            case Table(headers, rows):
                head = "".join(f"<th>{e(str(h))}</th>" for h in headers)
                body = "".join(
                    "<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in rows
                )
                parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
            case Image(src, alt):
                parts.append(f"<img src='{e(src)}' alt='{e(alt)}'>")
            case Code(text):
                parts.append(f"<pre>{e(text)}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)
