"""What the event stage reads about one article: text, sentence spans and the normalized mentions."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..nlp.officials import Official
from ..normalize.countries import CountryMatch
from ..normalize.dates import DateMatch

Span = tuple[int, int]

# The trade vocabulary without which no tariff, negotiation or agreement record is possible. The
# prefilter and the event stage share this one predicate (mentions_trade), so skipping an article
# that fails it can never lose a record (see api.is_relevant).
_TRADE_PATTERN = (
    r"tariff|\bdut(?:y|ies)\b|\blev(?:y|ies)\b|\btrade\b|\btrading partners?\b|countermeasure|counter-measure|"
    r"\bcustoms\b|\bimports?\b|\bexports?\b|\bretaliat"
)
# The leading lookahead lets the regex engine skip to the letters a match can start with (Python's
# re scans an alternation position by position otherwise): same matches, about half the time.
TRADE_CONTEXT = re.compile(rf"(?=[tdlcier])(?:{_TRADE_PATTERN})", re.IGNORECASE)
# Literals one of which every TRADE_CONTEXT match contains, lower-cased. Most archive articles hold
# none of them, and `in` on the lower-cased text rejects those in microseconds; the regex decides
# the rest. Under re.IGNORECASE "ı" matches "i" and "ſ" matches "s", and str.lower() turns "İ"
# into "i" + U+0307: the text is mapped accordingly before the test, so it never rejects a text
# the regex would accept (it may pass more: the regex then says no).
_TRADE_LITERALS = ("tariff", "duty", "duties", "levy", "levies", "trade", "trading partner", "countermeasure",
                   "counter-measure", "customs", "import", "export", "retaliat")
_FOLD_FIXES = str.maketrans({"ı": "i", "ſ": "s", "\u0307": None})


def mentions_trade(text: str) -> bool:
    """Does the text use the trade vocabulary (TRADE_CONTEXT) anywhere?"""
    low = text.lower()
    if not low.isascii():
        low = low.translate(_FOLD_FIXES)
    if not any(word in low for word in _TRADE_LITERALS):
        return False
    return TRADE_CONTEXT.search(text) is not None


@dataclass
class ArticleContext:
    article_id: str
    text: str
    ref_date: Optional[dt.date]
    sentences: list[Span]
    countries: list[CountryMatch]
    officials: list[Official]
    dates: list[DateMatch]
    exclude: Sequence[Span] = ()
    _sentence_index: dict = field(default_factory=dict)

    def sentence_of(self, pos: int) -> Span:
        for s, e in self.sentences:
            if s <= pos < e:
                return s, e
        return pos, pos

    def countries_in(self, start: int, end: int, *, counting_only: bool = True) -> list[CountryMatch]:
        return [c for c in self.countries if start <= c.start and c.end <= end and (c.counts or not counting_only)]

    def officials_in(self, start: int, end: int) -> list[tuple[Official, Span]]:
        hits = []
        for off in self.officials:
            for s, e in off.mentions:
                if start <= s and e <= end:
                    hits.append((off, (s, e)))
        hits.sort(key=lambda h: h[1])
        return hits

    def dates_in(self, start: int, end: int) -> list[DateMatch]:
        return [d for d in self.dates if start <= d.start and d.end <= end]

    def excluded(self, start: int, end: int) -> bool:
        return any(start < xe and end > xs for xs, xe in self.exclude)
