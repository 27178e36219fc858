"""Articles in: readers for every input format, and wire conventions as metadata."""
from .article import Article, Span, content_id
from .readers import DEFAULT_FIELDS, Ingestor, make_ingestor, normalize_published
from .wire import WireInfo, parse_wire

__all__ = [
    "Article",
    "DEFAULT_FIELDS",
    "Ingestor",
    "Span",
    "WireInfo",
    "content_id",
    "make_ingestor",
    "normalize_published",
    "parse_wire",
]
