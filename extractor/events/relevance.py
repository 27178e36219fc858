"""Whether an article can hold an event at all: the trade vocabulary, shared by the prefilter and
the event components."""
from __future__ import annotations

import re

from ..nlp.context import ArticleContext

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


def relevant(ctx: ArticleContext) -> bool:
    """mentions_trade for the article, asked once (the Extractor's prefilter may have asked already)."""
    if ctx.relevant is None:
        ctx.relevant = mentions_trade(ctx.text)
    return ctx.relevant
