"""Sentence and clause boundaries by rule.

Wire copy is well punctuated, and a rule splitter is deterministic and costs nothing next to the
statistical pipeline, so spaCy's parser/senter are not run (see docs/pipeline.md).
"""
from __future__ import annotations

import re

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


# Clause breaks inside a sentence: semicolons, "while"/"whereas"/"but" after a comma, and a
# coordinated verb phrase (", and has invited ..."): each clause may carry its own event.
_CLAUSE_BREAK = re.compile(
    r";\s+|,\s+(?:while|whereas|but|although|though)\s+|\s+(?:and|but)\s+(?=(?:has|have|had|will|would|is|are|was|were|also|then|later|then)\b"
    r"|(?:\w+ed|met|held|said|told|spoke|agreed|signed|struck)\b)"
)


def split_clauses(text: str, span: Span) -> list[Span]:
    start, end = span
    pieces: list[Span] = []
    cursor = start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        if m.start() > cursor:
            pieces.append((cursor, m.start()))
        cursor = m.end()
    if end > cursor:
        pieces.append((cursor, end))
    return pieces
