"""The Python API: load a configured extractor once, feed it articles, get records back.

    >>> import tariffwire_api as tw  # doctest: +SKIP
    >>> ex = Extractor.from_config(overrides={"ingest.published_default": "2025-04-16"})
    >>> articles, events = ex.extract_records([{"id": "a1", "text": "..."}])
    >>> events_df = ex.extract_dataframes(df)["events"]

The CLI calls the same functions (see run.py).
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence, Union

from confection import Config

from .config import fingerprint, load_config
from .errors import ArticleError
from .events.build import RecordBuilder
from .events.context import mentions_trade
from .events.talks import TalksFinder
from .events.tariffs import TariffFinder
from .ingest.article import Article
from .nlp.ner import NerBackend
from .nlp.officials import OfficialsFinder
from .records import ArticleRecord, EventRecord
from .registry import registry

ArticleLike = Union[Article, Mapping[str, Any]]


@dataclass
class Outcome:
    """What happened to one input record."""

    article_id: Optional[str]
    origin: str
    record: Optional[ArticleRecord] = None
    events: list[EventRecord] = field(default_factory=list)
    error: Optional[dict] = None  # {"article_id", "origin", "stage", "error_type", "message"}
    prefiltered: bool = False
    warnings: list[str] = field(default_factory=list)


def is_relevant(text: str) -> bool:
    """Can this article hold a tariff, negotiation or agreement record at all?

    The event stage refuses to build events for any article that fails this same test, so the
    prefilter loses nothing by construction; it only decides whether the NER model runs.
    """
    return mentions_trade(text)


@registry.extractors("tariffwire.RuleExtractor.v1")
def make_rule_extractor(
    use_office_holders: bool = True,
    default_imposer: Optional[str] = "USA",
    cue_window: int = 12,
    roles: str = "rules",
    relations_model: Optional[str] = None,
) -> dict:
    if roles not in ("rules", "learned"):
        raise ValueError(f"extract.roles must be 'rules' or 'learned', not {roles!r}")
    if roles == "learned" and not relations_model:
        raise ValueError("extract.roles = 'learned' needs paths.relations_model (see `tariffwire train relations`)")
    return {
        "officials": OfficialsFinder(use_holders=use_office_holders),
        "tariffs": TariffFinder(cue_window=cue_window, default_imposer=default_imposer),
        "talks": TalksFinder(),
        "roles": roles,
        "relations_model": relations_model,
    }


class Extractor:
    """A configured pipeline. Build it once per process; models load lazily on first use."""

    def __init__(self, config: Config):
        self.config = config
        resolved = registry.resolve(config, validate=True)
        self.ingestor = resolved["ingest"]
        self.ner: NerBackend = resolved["nlp"]["ner"]
        parts = resolved["extract"]
        self.builder = RecordBuilder(
            officials=parts["officials"], tariffs=parts["tariffs"], talks=parts["talks"],
            config_fingerprint=fingerprint(config),
        )
        if parts["roles"] == "learned":
            from .relations.model import LearnedRoles

            self.builder.tariffs = LearnedRoles.wrap(self.builder.tariffs, parts["relations_model"])
        self.prefilter = bool(config["run"]["prefilter"])

    @classmethod
    def from_config(cls, path: Optional[str] = None, overrides: Optional[Mapping[str, Any]] = None) -> "Extractor":
        return cls(load_config(path, overrides))

    # -- articles in ------------------------------------------------------------------------------

    def to_article(self, item: ArticleLike, position: int = 0) -> Union[Article, ArticleError]:
        if isinstance(item, Article):
            return item
        return self.ingestor.from_mapping(dict(item), origin=f"<input>:{position + 1}")

    def read(self, inputs: Sequence[str]) -> Iterator[Union[Article, ArticleError]]:
        """Lazily read files, folders and globs (see ingest)."""
        return self.ingestor.iter_records(inputs)

    # -- processing --------------------------------------------------------------------------------

    def process_batch(self, items: Sequence[Union[Article, ArticleError]], *, prefilter: Optional[bool] = None) -> list[Outcome]:
        """Process one batch; a failure in one article never affects the others."""
        prefilter = self.prefilter if prefilter is None else prefilter
        outcomes: list[Outcome] = []
        articles: list[tuple[int, Article]] = []
        for item in items:
            if isinstance(item, ArticleError):
                outcomes.append(Outcome(item.article_id, item.origin, error=_error_dict(item.article_id, item.origin, item.stage, item)))
            else:
                outcomes.append(Outcome(item.id, item.origin, warnings=list(item.warnings)))
                articles.append((len(outcomes) - 1, item))
        # The relevance test runs once per article; the event stage reuses its answer.
        relevance = {i: is_relevant(a.text) for i, a in articles} if prefilter else {}
        needs_ner = [(i, a) for i, a in articles if not prefilter or relevance[i]]
        entities = self._entities([a for _, a in needs_ner], outcomes, [i for i, _ in needs_ner])
        for i, article in articles:
            if outcomes[i].error is not None:
                continue
            ents = entities.get(i)
            if ents is None:
                outcomes[i].prefiltered = True
                ents = []
            try:
                record, events = self.builder.build(article, ents, relevant=relevance.get(i))
            except Exception as exc:  # one article's bug must not cost the batch
                outcomes[i].error = _error_dict(article.id, article.origin, "events", exc)
                continue
            outcomes[i].record = record
            outcomes[i].events = events
        return outcomes

    def _entities(self, articles: list[Article], outcomes: list[Outcome], index: list[int]) -> dict[int, list]:
        if not articles:
            return {}
        try:
            results = list(self.ner.pipe(a.text for a in articles))
            return dict(zip(index, results))
        except Exception:
            # Retry one by one so that only the offending article fails.
            out: dict[int, list] = {}
            for i, article in zip(index, articles):
                try:
                    out[i] = next(iter(self.ner.pipe([article.text])))
                except Exception as exc:
                    outcomes[i].error = _error_dict(article.id, article.origin, "nlp", exc)
            return out

    def extract(self, items: Iterable[ArticleLike], *, batch_size: int = 64) -> Iterator[Outcome]:
        """Outcomes in input order, for dicts, Articles, a DataFrame's records or a datasets.Dataset."""
        batch: list = []
        for pos, item in enumerate(_iter_items(items)):
            batch.append(self.to_article(item, pos))
            if len(batch) >= batch_size:
                yield from self.process_batch(batch)
                batch = []
        if batch:
            yield from self.process_batch(batch)

    def extract_records(self, items: Iterable[ArticleLike]) -> tuple[list[ArticleRecord], list[EventRecord]]:
        articles: list[ArticleRecord] = []
        events: list[EventRecord] = []
        for outcome in self.extract(items):
            if outcome.record is not None:
                articles.append(outcome.record)
                events.extend(outcome.events)
        return articles, events

    def extract_measures(self, items: Iterable[ArticleLike]) -> tuple[list, list]:
        """Extract, then consolidate in memory: (MeasureRecord list, MeasureEventLink list).
        For archives that do not fit in memory, write a run and use consolidate.consolidate()."""
        from .consolidate import consolidate_events

        articles, events = self.extract_records(items)
        published = {a.article_id: a.published for a in articles}
        return consolidate_events((e.model_dump(mode="json") for e in events), published)

    def extract_dataframes(self, items: Iterable[ArticleLike]) -> dict:
        """{"articles": DataFrame, "events": DataFrame, "errors": DataFrame} (tables as in --format parquet)."""
        import pandas as pd

        from .writers.tables import article_rows, event_rows

        articles, events, errors = [], [], []
        for outcome in self.extract(items):
            if outcome.record is not None:
                articles.append(outcome.record)
                events.extend(outcome.events)
            if outcome.error is not None:
                errors.append(outcome.error)
        return {
            "articles": pd.DataFrame(article_rows(articles)),
            "events": pd.DataFrame(event_rows(events)),
            "errors": pd.DataFrame(errors, columns=["article_id", "origin", "stage", "error_type", "message"]),
        }


def _iter_items(items: Any) -> Iterator[Any]:
    try:
        import pandas as pd

        if isinstance(items, pd.DataFrame):
            yield from (row for row in items.to_dict(orient="records"))
            return
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    yield from items


def _error_dict(article_id: Optional[str], origin: str, stage: str, exc: BaseException) -> dict:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return {
        "article_id": article_id,
        "origin": origin,
        "stage": stage,
        "error_type": type(exc).__name__,
        "message": message,
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-2000:]
        if not isinstance(exc, ArticleError) else None,
        "records": getattr(exc, "records", 1),  # a lost Parquet row group stands for all its rows
    }
