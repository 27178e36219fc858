"""The dates component: date expressions resolved against the publication date (normalize/dates.py).

A duration counts as a date only when it is the length of a trade measure (extraction guide): a
pause, truce, delay or tariff near it in its sentence, and not the length of a visit or of talks.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Mapping, Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..cues import cue_patterns
from ..normalize.dates import DateMatch, find_dates
from .component import RuleComponent
from .context import ArticleContext
from .extensions import DATES, set_spans
from ..segment import Segments
from ..registry import component_factory

# How far around a duration its measure word may be (characters before, after; within the sentence).
MEASURE_REACH_BEFORE, MEASURE_REACH_AFTER = 80, 60


def is_measure_duration(text: str, d: DateMatch, segments: Segments, cues: Mapping[str, re.Pattern]) -> bool:
    """cues: the pipeline language's data/cues/<lang>/dates.json (what a trade measure is called,
    what a duration of something else is followed by)."""
    s, e = segments.sentence_of(d.start)
    if s == e:
        return False
    before = text[max(s, d.start - MEASURE_REACH_BEFORE):d.start]
    if cues["not_measure_head"].match(text, d.end):
        # "two days after the talks" is a time anchor, but "takes effect seven days after signing"
        # is the delay of the measure's start.
        if not (cues["time_anchor_head"].match(text, d.end) and cues["start_cue_before"].search(before)):
            return False
    if cues["statistic_span"].match(text, d.end):  # "in the three years through 2017": a base period
        return False
    if cues["period_opener"].search(before):  # "for a period of two years": whatever the sentence is about
        return bool(cues["measure_word"].search(text, s, e))
    return bool(cues["measure_word"].search(text, max(s, d.start - MEASURE_REACH_BEFORE), min(e, d.end + MEASURE_REACH_AFTER)))


def article_dates(text: str, ref_date: Optional[dt.date], segments: Segments, lang: str = "en") -> list[DateMatch]:
    """The article's dates outside the wire spans; durations only as the length of a trade measure."""
    cues = cue_patterns("dates", lang)
    return [d for d in find_dates(text, ref_date, exclude=segments.wire, sentences=segments.sentences)
            if d.grain != "duration" or is_measure_duration(text, d, segments, cues)]


@component_factory("tariffwire_dates", assigns=["doc.spans"])
def make_dates(nlp: Language, name: str) -> "DateFinder":
    return DateFinder(nlp.lang)


class DateFinder(RuleComponent):
    """doc.spans["tw_dates"] with span._.value (ISO 8601, None where unresolved) and span._.grain."""

    def __init__(self, lang: str = "en"):
        cue_patterns("dates", lang)  # a language without the lexicon fails now, when the pipeline is built
        self.lang = lang

    def annotate(self, ctx: ArticleContext) -> None:
        ctx.dates = article_dates(ctx.text, ctx.ref_date, ctx.segments, self.lang)

    def show(self, doc: Doc, ctx: ArticleContext) -> None:
        set_spans(doc, DATES, ctx.dates, lambda d: [(d.start, d.end)])
