"""The sentences component: the one segmentation (extractor/segment.py) that every rule reads."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .component import RuleComponent
from .context import ArticleContext
from ..segment import segment
from ..registry import component_factory


@component_factory("tariffwire_sentences", assigns=["doc._.tw_segments"])
def make_sentences(nlp: Language, name: str) -> "SentenceSegmenter":
    return SentenceSegmenter()


class SentenceSegmenter(RuleComponent):
    """doc._.tw_segments; marks the sentence starts on a Doc that has none (no parser ran), so that
    doc.sents and displaCy show the same sentences as the rules read."""

    def annotate(self, ctx: ArticleContext) -> None:
        ctx.segments = segment(ctx.text, ctx.article.wire_spans)

    def show(self, doc: Doc, ctx: ArticleContext) -> None:
        if len(doc) and not doc.has_annotation("SENT_START"):
            # Only the starts are set: tokens left unset continue a sentence (doc.sents), and each
            # set costs a pass over the Doc (spaCy checks for a parse), so setting every token
            # would cost quadratic time.
            starts = {0} | {doc.char_span(s, e, alignment_mode="expand").start for s, e in ctx.segments.sentences}
            for i in sorted(starts):
                doc[i].is_sent_start = True
