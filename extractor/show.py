"""An article with what was extracted from it, drawn by displaCy (`tariffwire show`, notebooks).

    >>> from extractor.show import render_article                       # doctest: +SKIP
    >>> render_article("Canada put a 25% tariff on U.S. steel on Monday.", jupyter=True)

The renderer is a function of (text, labelled character spans), so it draws spans from any
source: the output records (`record_spans`), or a spaCy Doc whose components wrote `doc.spans`
(`render(doc)`). "span" style shows overlapping labels (a country that is also the imposer);
"ent" style shows one label per stretch of text, an event role winning over the plain mention.
"""
from __future__ import annotations

import functools
from html import escape
from typing import Any, Iterable, Optional, Sequence, Union

from .report.spans import COLORS, LabelledSpan, as_dict, mention_spans, role_spans, without_overlaps

SPANS_KEY = "tariffwire"
STYLES = ("span", "ent")

_blank_nlp = None


def _tokenizer():
    # Only tokens are needed to hold spans: a blank English pipeline, loaded once.
    global _blank_nlp
    if _blank_nlp is None:
        import spacy

        _blank_nlp = spacy.blank("en")
    return _blank_nlp


def record_spans(article: Any, events: Iterable[Any] = ()) -> list[LabelledSpan]:
    """The mentions an article record lists and the roles its events give them, in text offsets."""
    spans = set(mention_spans(article))
    for event in events:
        spans.update(role_spans(article, event))
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))


def to_doc(text: str, spans: Iterable[LabelledSpan], *, key: str = SPANS_KEY, title: Optional[str] = None):
    """A Doc of `text` holding `spans` in doc.spans[key] (each widened to whole tokens)."""
    doc = _tokenizer()(text)
    held = []
    for span in spans:
        found = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
        if found is not None:
            held.append(found)
    doc.spans[key] = held
    if title:
        doc.user_data["title"] = escape(title)  # displaCy writes titles as HTML
    return doc


def _displacy_input(text_or_doc: Any, spans: Optional[Sequence[LabelledSpan]], style: str, title: Optional[str], key: str) -> dict:
    """displaCy's arguments (docs, style, options, manual) for a text and spans, or a Doc."""
    from spacy.tokens import Doc

    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")
    if isinstance(text_or_doc, Doc):
        doc = text_or_doc
        if spans is None:
            spans = [LabelledSpan(s.start_char, s.end_char, s.label_) for s in doc.spans.get(key, [])]
    else:
        doc = to_doc(str(text_or_doc), spans or [], key=key, title=title)
    labels = sorted({s.label for s in spans or []})
    colors = {label: COLORS.get(label, "#ddd") for label in labels}
    if style == "span":
        return {"docs": doc, "style": "span", "options": {"spans_key": key, "colors": colors}, "manual": False}
    ents = [{"start": s.start, "end": s.end, "label": s.label} for s in without_overlaps(spans or [])]
    manual = {"text": doc.text, "ents": ents, "title": escape(title) if title else None}
    return {"docs": manual, "style": "ent", "options": {"ents": labels, "colors": colors}, "manual": True}


def render(
    text_or_doc: Any,
    spans: Optional[Sequence[LabelledSpan]] = None,
    *,
    style: str = "span",
    title: Optional[str] = None,
    key: str = SPANS_KEY,
    page: bool = False,
    jupyter: Optional[bool] = None,
) -> Optional[str]:
    """displaCy HTML of a text and its labelled spans, or of a Doc's doc.spans[key].

    In a notebook (jupyter=None detects it) displaCy displays the result and returns None."""
    from spacy import displacy

    return displacy.render(**_displacy_input(text_or_doc, spans, style, title, key), page=page, jupyter=jupyter)


def serve(text_or_doc: Any, spans: Optional[Sequence[LabelledSpan]] = None, *, style: str = "span", title: Optional[str] = None,
          key: str = SPANS_KEY, port: int = 5002, host: str = "127.0.0.1") -> None:
    """displaCy's local web server on the same view (blocks until interrupted)."""
    from spacy import displacy

    displacy.serve(**_displacy_input(text_or_doc, spans, style, title, key), port=port, host=host, auto_select_port=True)


@functools.lru_cache(maxsize=1)
def _default_extractor():
    # Loaded once: a notebook calling render_article cell after cell must not reload the model.
    from .api import Extractor

    return Extractor.from_config()


def extracted_spans(article: Union[str, dict, Any], extractor: Any = None) -> tuple[str, list[LabelledSpan], str]:
    """Run the extractor on one article (a text, a dict with "text", or an ingest Article):
    (its text, the labelled spans of its records, a title)."""
    from .errors import TariffwireError

    extractor = extractor or _default_extractor()
    item = {"id": "article", "text": article} if isinstance(article, str) else article
    prepared = extractor.to_article(item)
    [outcome] = extractor.process_batch([prepared])
    if outcome.error is not None or outcome.record is None:
        message = (outcome.error or {}).get("message", "no record")
        raise TariffwireError(f"Article {outcome.article_id or outcome.origin} could not be processed: {message}")
    record = as_dict(outcome.record)
    title = " · ".join(str(v) for v in (record.get("headline") or record["article_id"], record.get("published")) if v)
    return prepared.text, record_spans(record, outcome.events), title


def render_article(
    article: Union[str, dict, Any],
    extractor: Any = None,
    *,
    style: str = "span",
    page: bool = False,
    jupyter: Optional[bool] = None,
) -> Optional[str]:
    """An article rendered with its officials, countries, rates, dates and event roles highlighted."""
    text, spans, title = extracted_spans(article, extractor)
    return render(text, spans, style=style, title=title, page=page, jupyter=jupyter)


def find_article(extractor: Any, inputs: Sequence[str], article_id: str) -> Any:
    """The article with `article_id` among `inputs` (read lazily, up to the first match)."""
    from .errors import ArticleError, TariffwireError
    from .ingest import Article

    seen: list[str] = []
    for item in extractor.read(inputs):
        if isinstance(item, Article):
            if item.id == article_id:
                return item
            seen.append(item.id)
        elif isinstance(item, ArticleError) and item.article_id == article_id:
            raise TariffwireError(f"Article {article_id} cannot be read: {item}")
    some = ", ".join(seen[:5]) + (", ..." if len(seen) > 5 else "")
    raise TariffwireError(f"No article with id {article_id!r} in {', '.join(inputs)} ({len(seen)} articles read: {some or 'none'})")
