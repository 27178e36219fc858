"""tariffwire: structured records of trade policy from news wire archives.

The public API: build an Extractor once, feed it articles, get schema-v1 records back; or add
tariffwire's spaCy components to a pipeline of your own (`nlp.add_pipe("tariffwire")`, see pipeline.py).
extractor.consolidate turns the events into measures with timelines.
"""
from .api import Extractor, Outcome, article_doc, is_relevant
from .config import load_config
from .ingest.article import Article
from .records import (
    SCHEMA_VERSION,
    ArticleRecord,
    EventRecord,
    MeasureEventLink,
    MeasureRecord,
)
from .engines import run_extract
from .job import RunSummary

__all__ = [
    "Article",
    "ArticleRecord",
    "EventRecord",
    "Extractor",
    "article_doc",
    "Outcome",
    "RunSummary",
    "MeasureEventLink",
    "MeasureRecord",
    "SCHEMA_VERSION",
    "is_relevant",
    "load_config",
    "run_extract",
]
__version__ = "0.1.0"
