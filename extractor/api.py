"""The Python API: load a configured extractor once, feed it articles, get records back.

    >>> from extractor import Extractor  # doctest: +SKIP
    >>> ex = Extractor.from_config(overrides={"ingest.published_default": "2025-04-16"})  # doctest: +SKIP
    >>> articles, events = ex.extract_records([{"id": "a1", "text": "Canada put a 25% tariff on U.S. steel."}])  # doctest: +SKIP
    >>> events_df = ex.extract_dataframes(pd.DataFrame({"text": ["..."]}))["events"]  # doctest: +SKIP

The CLI calls the same functions (see job.py and engines/).
"""
from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence, Union

from confection import Config
from spacy.language import Language
from spacy.tokens import Doc

from .config import load_config
from .errors import ArticleError, Errors, TariffwireError, code_of
from .events.relevance import mentions_trade
from .events.tariffs import TariffFinder, TariffsComponent
from .ingest.article import Article
from .nlp.component import RuleComponent
from .nlp import hf_ner  # noqa: F401  (registers tariffwire.HfNer.v1; torch loads only when it runs)
from .nlp.context import ArticleContext, context_of
from .nlp.ner import NerBackend
from .pipeline import LEARNED_FACTORIES, Tariffwire
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
    error: Optional[dict] = None  # {"article_id", "origin", "stage", "error_type", "code", "message", "traceback"}
    prefiltered: bool = False
    warnings: list[str] = field(default_factory=list)


def is_relevant(text: str) -> bool:
    """Can this article hold a tariff, negotiation or agreement record at all?

    The event components build no event for an article that fails this same test, so the prefilter
    loses nothing by construction; it only decides whether the NER model runs.
    """
    return mentions_trade(text)


def article_doc(nlp: Language, article: Article) -> Doc:
    """A Doc of the article's text (tokenized, not yet processed) that carries the article: its id,
    publication date and wire spans reach the components."""
    doc = nlp.make_doc(article.text)
    doc._.tw_article = article
    return doc


class Extractor:
    """A configured pipeline. Build it once per process; the model loads on first use."""

    def __init__(self, config: Config):
        self.config = config
        # [components] are spaCy's to build (below); [run] and [output] are the batch job's (job.py).
        resolved = registry.resolve({k: v for k, v in config.items() if k not in ("components", "run", "output")},
                                    validate=True)
        self.ingestor = resolved["ingest"]
        self.ner: NerBackend = resolved["nlp"]["ner"]
        self.prefilter = bool(config["run"]["prefilter"])
        self.pipeline_names: list[str] = list(config["nlp"]["pipeline"])
        self._check_components()
        self._nlp: Optional[Language] = None
        self._failures: dict[int, tuple[str, BaseException, int]] = {}

    @classmethod
    def from_config(cls, path: Optional[str] = None, overrides: Optional[Mapping[str, Any]] = None) -> "Extractor":
        return cls(load_config(path, overrides))

    # -- the spaCy pipeline --------------------------------------------------------------------------

    @property
    def nlp(self) -> Language:
        """The NER backend's pipeline with tariffwire's components added, as [nlp] pipeline lists them."""
        if self._nlp is None:
            nlp = self.ner.nlp
            self._add_components(nlp)
            self._nlp = nlp
        return self._nlp

    def _check_components(self) -> None:
        """Bad component settings are config errors: found now, on a blank pipeline, before any work.

        Once per process for a given [components] selection: a blank English pipeline costs about
        0.2 s to build, which a job that runs many small extracts (a month at a time, the paired
        throughput benchmark) would pay on every run for the same answer.
        """
        components = self.config.get("components", {})
        key = json.dumps([[name, components.get(name)] for name in self.pipeline_names], sort_keys=True, default=str)
        if key not in _CHECKED_COMPONENT_SETTINGS:
            self._add_components(_blank())
            _CHECKED_COMPONENT_SETTINGS.add(key)

    def _add_components(self, nlp: Language) -> None:
        components = self.config.get("components", {})
        for name in self.pipeline_names:
            if name in nlp.disabled:  # a pipeline shared with another Extractor that selected the NER only
                nlp.enable_pipe(name)
            if name in nlp.component_names:
                continue
            if name not in components or "factory" not in components[name]:
                raise TariffwireError(Errors.E020.format(reason=f"[nlp] pipeline names {name!r}, which has no [components.{name}] block with a factory"))
            settings = dict(components[name])
            factory = settings.pop("factory")
            try:
                nlp.add_pipe(factory, name=name, config=settings)
            except Exception as exc:  # spaCy reports bad settings with several error types
                reason = " ".join(str(exc).split())
                raise TariffwireError(Errors.E020.format(reason=f"[components.{name}]: {reason}")) from exc

    def rule_parts(self) -> list[RuleComponent]:
        """The rule components in pipeline order (the `tariffwire` component's parts in its place)."""
        parts: list = []
        for _, proc in self.nlp.pipeline:
            parts.extend(proc.parts if isinstance(proc, Tariffwire) else [proc])
        return [p for p in parts if isinstance(p, RuleComponent)]

    @property
    def tariff_finder(self) -> TariffFinder:
        return next(p.finder for p in self.rule_parts() if isinstance(p, TariffsComponent))

    def _install_error_handler(self) -> None:
        """Language.set_error_handler, minus its failure on spaCy's Cython components (ner, parser
        cannot hold a handler in spaCy 3.8): their errors leave nlp.pipe instead (see _pipe)."""
        self.nlp.default_error_handler = self._on_error
        for _, proc in self.nlp.pipeline:
            try:
                proc.set_error_handler(self._on_error)
            except AttributeError:
                pass

    def _on_error(self, name: str, proc: Any, docs: list[Doc], exc: BaseException) -> None:
        """spaCy's per-document error handler (Language.pipe): note the failure, keep the batch going."""
        for doc in docs:
            self._failures[id(doc)] = (name, exc, len(docs))

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
        # The relevance test runs once per article; the event components reuse its answer.
        relevance = {i: is_relevant(a.text) for i, a in articles} if prefilter else {}
        full = [(i, a) for i, a in articles if not prefilter or relevance[i]]
        for i, ctx in self._contexts_of(full, relevance, outcomes):
            outcomes[i].record, outcomes[i].events = ctx.record, ctx.events
        for i, article in articles:
            if prefilter and not relevance[i]:
                # Skipped by the prefilter: no Doc and no NER, the same rule steps on a bare context.
                outcomes[i].prefiltered = True
                try:
                    ctx = self.annotate(article, relevant=False)
                except Exception as exc:  # one article's bug must not cost the batch
                    outcomes[i].error = _error_dict(article.id, article.origin, "events", exc)
                    continue
                outcomes[i].record, outcomes[i].events = ctx.record, ctx.events
        return outcomes

    def annotate(self, article: Article, *, relevant: Optional[bool] = None) -> ArticleContext:
        """The rule components' steps on an article without a Doc (no entities: no NER ran)."""
        ctx = ArticleContext(article, entities=[], relevant=relevant)
        for part in self.rule_parts():
            part.annotate(ctx)
        return ctx

    def _contexts_of(self, items: list[tuple[int, Article]], relevance: dict, outcomes: list[Outcome]) -> Iterator[tuple[int, ArticleContext]]:
        """(index, context) of each article the whole pipeline processed; failures go to outcomes."""
        if not items:
            return
        nlp = self.nlp
        docs = []
        for i, article in items:
            doc = article_doc(nlp, article)
            context_of(doc).relevant = relevance.get(i)
            docs.append((i, article, doc))
        retry = []
        for i, article, doc, failure in self._pipe(docs):
            if failure is None:
                yield i, context_of(doc)
            elif failure[2] > 1:
                retry.append((i, article))  # a batched component failed the whole batch
            else:
                outcomes[i].error = _error_dict(article.id, article.origin, _stage(failure[0]), failure[1])
        # Alone, only the article that made the batch fail fails again.
        for i, article in retry:
            doc = article_doc(nlp, article)
            context_of(doc).relevant = relevance.get(i)
            for _, _, doc, failure in self._pipe([(i, article, doc)]):
                if failure is None:
                    yield i, context_of(doc)
                else:
                    outcomes[i].error = _error_dict(article.id, article.origin, _stage(failure[0]), failure[1])

    def _pipe(self, docs: list[tuple[int, Article, Doc]]):
        """(index, article, doc, failure or None): failure is (component, exception, batch size)."""
        self._failures.clear()
        self._install_error_handler()
        batch_size = getattr(self.ner, "batch_size", None) or 32
        done: set[int] = set()
        escaped: Optional[BaseException] = None
        try:
            for doc in self.nlp.pipe((doc for _, _, doc in docs), batch_size=batch_size):
                done.add(id(doc))
        except Exception as exc:  # from a component that cannot hold the error handler: the NER
            escaped = exc
        for i, article, doc in docs:
            if id(doc) in done:
                yield i, article, doc, None
            elif id(doc) in self._failures:
                yield i, article, doc, self._failures[id(doc)]
            else:
                yield i, article, doc, ("nlp", escaped or RuntimeError("the pipeline dropped the article"), len(docs))

    def contexts(self, items: Iterable[Article], *, rules_only: bool = False) -> Iterator[ArticleContext]:
        """Each article's context after the whole pipeline (no prefilter); rules_only: without the learned components."""
        disabled = [n for n in self.nlp.component_names if rules_only and self.nlp.get_pipe_meta(n).factory in LEARNED_FACTORIES]
        with self.nlp.select_pipes(disable=disabled):
            for article in items:
                outcome: list[Outcome] = [Outcome(article.id, article.origin)]
                for _, ctx in self._contexts_of([(0, article)], {}, outcome):
                    yield ctx

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
            "errors": pd.DataFrame(errors, columns=["article_id", "origin", "stage", "error_type", "code", "message"]),
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


# The [components] selections _check_components has already built once in this process.
_CHECKED_COMPONENT_SETTINGS: set[str] = set()


def _blank() -> Language:
    import spacy

    return spacy.blank("en")


def _stage(component: str) -> str:
    """The stage an error is reported under: tariffwire's rule components are the event stage."""
    return "events" if component.startswith("tariffwire") and component != "tariffwire_hf_ner" else "nlp"


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
        "code": code_of(exc),
        "message": message,
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-2000:]
        if not isinstance(exc, ArticleError) else None,
        "records": getattr(exc, "records", 1),  # a lost Parquet row group stands for all its rows
    }
