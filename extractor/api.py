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

ArticleLike = Union[Article, Mapping[str, Any], str]  # a str is an article's text


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
        """An Article from an Article, a mapping (fields named as in [ingest.fields]) or a plain
        string (the text; its id is then the content hash, as for any input without an id)."""
        if isinstance(item, Article):
            return item
        if isinstance(item, str):
            item = {self._field("text"): item}
        return self.ingestor.from_mapping(dict(item), origin=f"<input>:{position + 1}")

    def _field(self, ours: str) -> str:
        """The input's name for one of our fields (--ingest.fields.text=body: "body")."""
        return self.ingestor.fields.get(ours, ours)

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

    def extract(self, items: Iterable[ArticleLike], *, batch_size: int = 64, start: int = 0) -> Iterator[Outcome]:
        """Outcomes in input order, for dicts, Articles, a DataFrame's records or a datasets.Dataset."""
        batch: list = []
        for pos, item in enumerate(_iter_items(items, self._field("id")), start):  # origin "<input>:pos+1"
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
        """{"articles": DataFrame, "events": DataFrame, "errors": DataFrame}, the columns of
        --format parquet with native dtypes (writers/tables.py: records_frame). A DataFrame without
        an id column has its index as the article ids, so results join back on it."""
        import pandas as pd

        from .writers.tables import records_frame

        articles, events, errors = [], [], []
        for outcome in self.extract(items):
            if outcome.record is not None:
                articles.append(outcome.record)
                events.extend(outcome.events)
            if outcome.error is not None:
                errors.append(outcome.error)
        return {
            "articles": records_frame("articles", (a.model_dump(mode="json") for a in articles)),
            "events": records_frame("events", (e.model_dump(mode="json") for e in events)),
            "errors": pd.DataFrame(errors, columns=["article_id", "origin", "stage", "error_type", "message"]),
        }


    def map_batch(self, batch: Mapping[str, list], indices: Optional[Sequence[int]] = None) -> dict:
        """For `datasets.Dataset.map(ex.map_batch, batched=True)`: the batch's columns plus the
        record columns (MAP_COLUMNS), one row per input row. A row that fails gets empty records
        and its message in `error`. Input columns named like a record column are replaced. With
        `with_indices=True`, errors name the row's position in the dataset ("<input>:ROW")."""
        columns = list(batch)
        size = len(batch[columns[0]]) if columns else 0
        rows = [{c: batch[c][i] for c in columns} for i in range(size)]
        out: list[dict] = []
        for outcome in self.extract(rows, start=indices[0] if indices else 0):
            row = dict.fromkeys(MAP_COLUMNS)
            if outcome.record is not None:
                row.update(outcome.record.model_dump(mode="json"))
                row["events"] = [e.model_dump(mode="json") for e in outcome.events]
            else:
                row.update(byline=[], dateline=[], officials=[], countries=[], rates=[], dates=[], events=[])
            row["article_id"] = row["article_id"] or outcome.article_id
            row["error"] = (outcome.error or {}).get("message")
            out.append({k: row[k] for k in MAP_COLUMNS})
        return {**batch, **{name: [row[name] for row in out] for name in MAP_COLUMNS}}

    def map_features(self, features=None):
        """The datasets.Features of map_batch's output: `features` (the input's) plus the record
        columns. datasets fixes a column's type from the first batch otherwise, and a batch with
        no source or no dated event would fix it as null."""
        import datasets

        added = datasets.Features.from_arrow_schema(map_schema())
        return datasets.Features({**(features or {}), **added})

    def map_dataset(self, dataset, **map_kwargs):
        """`dataset` with the record columns added: Dataset.map(map_batch, batched=True, features=...)."""
        map_kwargs.setdefault("batch_size", 64)
        return dataset.map(self.map_batch, batched=True, with_indices=True, features=self.map_features(dataset.features),
                           **map_kwargs)


def map_schema():
    """The Arrow schema of the columns Extractor.map_batch adds (plain strings, no dictionaries:
    datasets has no dictionary feature)."""
    import pyarrow as pa

    from .writers.tables import native_schema

    article = native_schema("articles", categorical=False)
    event = native_schema("events", categorical=False)
    fields = [article.field(name) for name in MAP_COLUMNS[:-2]]
    event_fields = [f for f in event if f.name != "date_day"]
    return pa.schema(fields + [pa.field("events", pa.list_(pa.struct(event_fields))), pa.field("error", pa.string())])


# What map_batch adds: the article record's fields (schema_version aside), its events and its error.
MAP_COLUMNS = tuple(name for name in ArticleRecord.model_fields if name != "schema_version") + ("events", "error")


def dataset_mapper(extractor: "Extractor"):
    """`ds.map(dataset_mapper(ex), batched=True, features=ex.map_features(ds.features))`: ex.map_batch."""
    return extractor.map_batch


def _iter_items(items: Any, id_field: str = "id") -> Iterator[Any]:
    try:
        import pandas as pd

        if isinstance(items, pd.DataFrame):
            # Without an id column the index is the id, so results join back on it.
            keep_index = id_field not in items.columns
            for index, row in zip(items.index, items.to_dict(orient="records")):
                if keep_index:
                    row[id_field] = str(index)
                yield row
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
