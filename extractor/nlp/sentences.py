"""The sentences component: the one segmentation (segment.py) that every rule reads."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .component import RuleComponent
from .context import ArticleContext
from ..segment import segment


@Language.factory("tariffwire_sentences", assigns=["doc._.tw_segments"])
def make_sentences(nlp: Language, name: str) -> "SentenceSegmenter":
    return SentenceSegmenter()


class SentenceSegmenter(RuleComponent):
    """doc._.tw_segments; marks the sentence starts on a Doc that has none (no parser ran), so that
    doc.sents and displaCy show the same sentences as the rules read."""

    def annotate(self, ctx: ArticleContext) -> None:
        ctx.segments = segment(ctx.text, ctx.article.wire_spans)

    def show(self, doc: Doc, ctx: ArticleContext) -> None:
        if len(doc) and not doc.has_annotation("SENT_START"):
            starts = {doc.char_span(s, e, alignment_mode="expand").start for s, e in ctx.segments.sentences}
            for token in doc:
                token.is_sent_start = token.i == 0 or token.i in starts
