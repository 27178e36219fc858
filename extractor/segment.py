"""Sentence and clause boundaries by rule: the one segmentation every rule reads.

Wire copy is well punctuated, and a rule splitter is deterministic and costs nothing next to the
statistical pipeline, so spaCy's parser/senter are not run (see docs/pipeline.md). Pure functions;
the `tariffwire_sentences` component (sentences.py) puts their result on the Doc.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Sequence

Span = tuple[int, int]

# Abbreviations after which a period does not end a sentence (wire style: "U.S.", "Gov.", "Aug.").
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "gov", "sen", "rep", "gen", "lt", "col", "sgt", "st", "jr", "sr", "no", "vs",
    "inc", "corp", "co", "ltd", "plc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "u.s", "u.k", "e.u", "u.n", "d.c", "a.m", "p.m", "approx", "est", "dept", "mt", "ft", "fig", "pres",
}

_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*\s+")


def split_sentences(text: str) -> list[Span]:
    """Sentence spans (start, end) covering the non-blank text; newlines always end a sentence."""
    spans: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        p_start = para.start()
        chunk = para.group()
        cursor = 0
        for m in _BOUNDARY.finditer(chunk):
            end_punct = m.start()
            # The word before the period.
            word_match = re.search(r"([\w.]+)$", chunk[cursor:end_punct + 1].rstrip("."))
            word = word_match.group(1).lower() if word_match else ""
            nxt = chunk[m.end():m.end() + 1]
            if chunk[m.start()] == "." and (word.rstrip(".") in _ABBREV or re.fullmatch(r"[a-z]", word)):
                # "U.S. officials" continues; "U.S. The" is a new sentence only before a capitalised function word.
                if not re.match(r"(The|A|An|But|He|She|It|They|We|In|On|This|That|Those|These|However|Meanwhile)\b", chunk[m.end():]):
                    continue
            if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"“‘'("):
                continue
            s, e = _strip(chunk, cursor, m.end())
            if e > s:
                spans.append((p_start + s, p_start + e))
            cursor = m.end()
        s, e = _strip(chunk, cursor, len(chunk))
        if e > s:
            spans.append((p_start + s, p_start + e))
    return spans


def _strip(chunk: str, start: int, end: int) -> Span:
    while start < end and chunk[start].isspace():
        start += 1
    while end > start and chunk[end - 1].isspace():
        end -= 1
    return start, end


# One clause segmentation at two granularities, for the two things the rules ask of a clause.
# "report": semicolons, "while"/"whereas"/"but" after a comma, and a coordinated verb phrase
# (", and has invited ..."): each such clause may report an event of its own (talks, measure
# names); the break belongs to neither side.
# "binding": broader (", and", ", after", a participle after a comma): the stretch of a sentence a
# tariff rate's imposer, targets and status are read from; the break stays in, and opens, the
# clause that follows it.
_CLAUSE_BREAKS = {
    "report": re.compile(
        r";\s+|,\s+(?:while|whereas|but|although|though)\s+|\s+(?:and|but)\s+(?=(?:has|have|had|will|would|is|are|was|were|also|then|later|then)\b"
        r"|(?:\w+ed|met|held|said|told|spoke|agreed|signed|struck)\b)"
    ),
    "binding": re.compile(
        r";|,\s+(?:while|whereas|but|and|after|before|as|when|which|although|though|even as|\w+ing)\b|"
        r"\s(?:after|before|while|whereas|even as)\s(?=[A-Z]|the\b|its\b|his\b|their\b)"
    ),
}


def split_clauses(text: str, span: Span, granularity: str = "report") -> list[Span]:
    """The clauses of a sentence span (see _CLAUSE_BREAKS). "report" clauses are never empty;
    "binding" ones tile the span (a break at its start leaves an empty first clause)."""
    start, end = span
    breaks = _CLAUSE_BREAKS[granularity].finditer(text, start, end)
    pieces: list[Span] = []
    cursor = start
    if granularity == "binding":
        for m in breaks:
            pieces.append((cursor, m.start()))
            cursor = m.start()
        pieces.append((cursor, end))
        return pieces
    for m in breaks:
        if m.start() > cursor:
            pieces.append((cursor, m.start()))
        cursor = m.end()
    if end > cursor:
        pieces.append((cursor, end))
    return pieces


def trim_wire(sentences: Sequence[Span], wire: Sequence[Span], text: str) -> list[Span]:
    """Cut the dateline/byline off the sentence it opens ("WASHINGTON (Reuters) - Japan is ..."), so
    the lead sentence is read like any other; drop sentences that are wholly wire metadata."""
    out: list[Span] = []
    for s, e in sentences:
        for ws, we in wire:
            if ws <= s < we:
                s = we
        while s < e and text[s].isspace():
            s += 1
        if s < e and not any(ws <= s and e <= we for ws, we in wire):
            out.append((s, e))
    return out


@dataclass(frozen=True)
class Segments:
    """An article's sentences (wire metadata trimmed off) and the wire spans that yield no facts."""

    sentences: list[Span]
    wire: list[Span] = field(default_factory=list)

    def sentence_of(self, pos: int) -> Span:
        i = bisect.bisect_right(self.sentences, (pos, float("inf"))) - 1
        if i >= 0 and self.sentences[i][0] <= pos < self.sentences[i][1]:
            return self.sentences[i]
        return pos, pos

    def excluded(self, start: int, end: int) -> bool:
        return any(start < we and end > ws for ws, we in self.wire)


def segment(text: str, wire: Sequence[Span] = ()) -> Segments:
    return Segments(trim_wire(split_sentences(text), wire, text), list(wire))
