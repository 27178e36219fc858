"""What every tariffwire rule component shares: annotate the article's context, then show it on the Doc."""
from __future__ import annotations

from spacy.tokens import Doc

from .context import ArticleContext, context_of
from .extensions import register

register()


class RuleComponent:
    """A spaCy component (a callable Doc -> Doc) over a pure step, `annotate(ctx)`.

    `settings` are the values that change what it extracts (they go into event ids). No `pipe`
    method: spaCy then calls the component one Doc at a time, and a Doc that raises goes to the
    pipeline's error handler alone (nlp.set_error_handler).
    """

    settings: dict = {}

    def annotate(self, ctx: ArticleContext) -> None:
        raise NotImplementedError

    def show(self, doc: Doc, ctx: ArticleContext) -> None:
        """Add the Doc's view of what annotate found (span groups, sentence starts)."""

    def __call__(self, doc: Doc) -> Doc:
        ctx = context_of(doc)
        self.annotate(ctx)
        self.show(doc, ctx)
        return doc
