"""Special categories of personal data (GDPR Art. 9: health, trade union, religion, sexual life,
ethnicity, political opinion, biometrics) and other matters deskguard never asks about (pay, leave,
immigration, disciplinary, legal), recognised in English, German, French, Spanish and Dutch.

Text is normalised (lower case, accents removed) and split into words; a lexicon term matches a
word or an inflection of it (Snowball stemmers of the five languages, the maintained library for
this), a prefix (`pregnan*`), a part of a compound (`~arzt` in "Hausarzt") or a phrase. A text
that names a personal matter without any work word ("Follow-up appointment") is `uncertain`:
deskguard drops what it cannot classify confidently rather than ask about it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

import yaml

LANGUAGES = ("english", "german", "french", "spanish", "dutch")
MIN_STEM = 5  # shorter stems over-match ("dating" -> "date"): such words must match exactly
UNCERTAIN = "uncertain"
Kind = Literal["word", "prefix", "part"]


@dataclass(frozen=True)
class Finding:
    """Why a text is not ordinary work: the category (or `uncertain`) and the term that matched."""

    category: str
    term: str


@dataclass(frozen=True)
class _Piece:
    kind: Kind
    text: str
    stems: frozenset[str]

    def matches(self, word: str, stems: frozenset[str]) -> bool:
        if self.kind == "prefix":
            return word.startswith(self.text)
        if self.kind == "part":
            return self.text in word
        return word == self.text or bool(self.stems & stems)


@dataclass(frozen=True)
class _Term:
    source: str
    pieces: tuple[_Piece, ...]

    def found_in(self, words: list[str], stems: list[frozenset[str]]) -> bool:
        n = len(self.pieces)
        return any(
            all(p.matches(words[i + k], stems[i + k]) for k, p in enumerate(self.pieces))
            for i in range(len(words) - n + 1)
        )


def normalise(text: str) -> list[str]:
    """Lower-case words without accents: "Arzttermin (Dr. Müller)" -> [arzttermin, dr, muller]."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss")
    return re.findall(r"[a-z0-9]+", plain)


@cache
def _stemmers() -> tuple[object, ...]:
    import snowballstemmer

    return tuple(snowballstemmer.stemmer(language) for language in LANGUAGES)


@lru_cache(maxsize=65536)
def _stems(word: str) -> frozenset[str]:
    found = {s.stemWord(word) for s in _stemmers()}  # type: ignore[attr-defined]
    return frozenset(s for s in found if len(s) >= MIN_STEM)


def _piece(raw: str) -> _Piece:
    if raw.endswith("*"):
        return _Piece("prefix", raw[:-1], frozenset())
    if raw.startswith("~"):
        return _Piece("part", raw[1:], frozenset())
    return _Piece("word", raw, _stems(raw))


def _term(source: str) -> _Term:
    return _Term(source, tuple(_piece(w) for w in source.split()))


class _Matcher:
    """Finds the first of many terms in a text: single words by dictionary lookup of each word
    and its stems, prefixes and compound parts by one regular expression each, phrases by scan."""

    def __init__(self, terms: list[tuple[str, str]]) -> None:  # (label, term source)
        self.exact: dict[str, Finding] = {}
        affixes: dict[str, Finding] = {}
        self.phrases: dict[str, list[tuple[_Term, Finding]]] = {}  # by first word and its stems
        for label, source in terms:
            term, finding = _term(source), Finding(label, source)
            piece = term.pieces[0]
            if len(term.pieces) > 1:
                if piece.kind != "word":
                    raise ValueError(f"a phrase must start with a plain word: {source!r}")
                for key in {piece.text, *piece.stems}:
                    self.phrases.setdefault(key, []).append((term, finding))
            elif piece.kind == "word":
                for key in {piece.text, *piece.stems}:
                    self.exact.setdefault(key, finding)
            else:
                affixes.setdefault(("^" if piece.kind == "prefix" else "") + piece.text, finding)
        self.affix_findings = affixes
        prefixes = sorted((a[1:] for a in affixes if a.startswith("^")), key=len, reverse=True)
        parts = sorted((a for a in affixes if not a.startswith("^")), key=len, reverse=True)
        self.prefix_re = _alternation(r"(?<![a-z0-9])(", prefixes)
        self.part_re = _alternation("(", parts)

    def find(self, words: list[str], stems: list[frozenset[str]]) -> Finding | None:
        for word, word_stems in zip(words, stems, strict=True):
            for key in (word, *word_stems):
                if key in self.exact:
                    return self.exact[key]
        text = " ".join(words)
        if self.prefix_re and (hit := self.prefix_re.search(text)):
            return self.affix_findings["^" + hit.group(1)]
        if self.part_re and (hit := self.part_re.search(text)):
            return self.affix_findings[hit.group(1)]
        starts = {k for w, ws in zip(words, stems, strict=True) for k in (w, *ws)}
        for key in starts & self.phrases.keys():
            for term, finding in self.phrases[key]:
                if term.found_in(words, stems):
                    return finding
        return None


def _alternation(head: str, options: list[str]) -> re.Pattern[str] | None:
    return re.compile(head + "|".join(map(re.escape, options)) + ")") if options else None


@dataclass(frozen=True)
class Lexicon:
    categories: _Matcher
    personal: _Matcher
    work: _Matcher

    def classify(self, *texts: str | None) -> Finding | None:
        """The special category any of the texts belongs to, `uncertain`, or None (ordinary)."""
        for text in texts:
            if not text:
                continue
            words = normalise(text)
            stems = [_stems(w) for w in words]
            found = self.categories.find(words, stems)
            if found:
                return found
            personal = self.personal.find(words, stems)
            if personal and not self.work.find(words, stems):
                return Finding(UNCERTAIN, personal.term)
        return None


def load_lexicon(text: str | None = None) -> Lexicon:
    """The packaged lexicon (special_categories.yaml), or one given as YAML text."""
    if text is None:
        text = resources.files("context").joinpath("special_categories.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    categories = [(name, t) for name, terms in data["categories"].items() for t in terms]
    return Lexicon(
        categories=_Matcher(categories),
        personal=_Matcher([("personal", t) for t in data.get("personal_markers", [])]),
        work=_Matcher([("work", t) for t in data.get("work_markers", [])]),
    )


@cache
def default_lexicon() -> Lexicon:
    return load_lexicon()
