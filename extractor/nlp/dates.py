"""The dates component: date expressions resolved against the publication date (normalize/dates.py).

A duration counts as a date only when it is the length of a trade measure (extraction guide): a
pause, truce, delay or tariff near it in its sentence, and not the length of a visit or of talks.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..cues import cue_patterns
from ..normalize.dates import DateMatch, find_dates
from .component import RuleComponent
from .context import ArticleContext
from .extensions import DATES, set_spans
from ..segment import Segments
from ..registry import component_factory

# The cue words (what a trade measure is called, what a duration of something else is followed by)
# are data: data/cues/en/dates.json.
_CUES = cue_patterns("dates")
_MEASURE_WORDS = _CUES["measure_word"]
_NOT_MEASURE_HEAD = _CUES["not_measure_head"]
_TIME_ANCHOR_HEAD = _CUES["time_anchor_head"]
_START_CUE_BEFORE = _CUES["start_cue_before"]
_STATISTIC_SPAN = _CUES["statistic_span"]
_PERIOD_OPENER = _CUES["period_opener"]
# How far around a duration its measure word may be (characters before, after; within the sentence).
MEASURE_REACH_BEFORE, MEASURE_REACH_AFTER = 80, 60


def is_measure_duration(text: str, d: DateMatch, segments: Segments) -> bool:
    s, e = segments.sentence_of(d.start)
    if s == e:
        return False
    before = text[max(s, d.start - MEASURE_REACH_BEFORE):d.start]
    if _NOT_MEASURE_HEAD.match(text, d.end):
        # "two days after the talks" is a time anchor, but "takes effect seven days after signing"
        # is the delay of the measure's start.
        if not (_TIME_ANCHOR_HEAD.match(text, d.end) and _START_CUE_BEFORE.search(before)):
            return False
    if _STATISTIC_SPAN.match(text, d.end):  # "in the three years through 2017": a base period
        return False
    if _PERIOD_OPENER.search(before):  # "for a period of two years": whatever the sentence is about
        return bool(_MEASURE_WORDS.search(text, s, e))
    return bool(_MEASURE_WORDS.search(text, max(s, d.start - MEASURE_REACH_BEFORE), min(e, d.end + MEASURE_REACH_AFTER)))


def article_dates(text: str, ref_date: Optional[dt.date], segments: Segments) -> list[DateMatch]:
    """The article's dates outside the wire spans; durations only as the length of a trade measure."""
    return [d for d in find_dates(text, ref_date, exclude=segments.wire, sentences=segments.sentences)
            if d.grain != "duration" or is_measure_duration(text, d, segments)]


@component_factory("tariffwire_dates", assigns=["doc.spans"])
def make_dates(nlp: Language, name: str) -> "DateFinder":
    return DateFinder()


class DateFinder(RuleComponent):
    """doc.spans["tw_dates"] with span._.value (ISO 8601, None where unresolved) and span._.grain."""

    def annotate(self, ctx: ArticleContext) -> None:
        ctx.dates = article_dates(ctx.text, ctx.ref_date, ctx.segments)

    def show(self, doc: Doc, ctx: ArticleContext) -> None:
        set_spans(doc, DATES, ctx.dates, lambda d: [(d.start, d.end)])
