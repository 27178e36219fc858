"""NER from any Hugging Face token-classification checkpoint directory, in our label set.

Texts are cut into overlapping windows (stride) so that nothing is truncated; each word takes the
label of its first sub-token, averaged over the windows that see it; B-/I-/E-/S- (BIO, IOB2, BIOES)
or plain IO tags are joined into character spans, and the checkpoint's types are mapped to spaCy's
OntoNotes labels (PER -> PERSON, LOC -> GPE, MISC -> NORP, ...; `label_map` overrides).
"""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans, minibatch, raise_error
from typing import Iterable, Iterator, Literal, Optional

from ..errors import Errors, TariffwireError
from ..optional import require
from ..registry import PositiveInt, component_factory, registry
from .context import context_of
from .ner import MAX_LENGTH, Entity

# CoNLL-style types to OntoNotes. MISC is mostly nationalities in news ("Chinese"), the nearest being
# NORP; types not listed pass through unchanged, a type mapped to null is dropped.
DEFAULT_LABEL_MAP: dict[str, Optional[str]] = {
    "PER": "PERSON", "PERSON": "PERSON", "ORG": "ORG", "LOC": "GPE", "GPE": "GPE", "MISC": "NORP", "NORP": "NORP",
}
_BEGIN, _INSIDE, _END, _SINGLE = {"B"}, {"I"}, {"E", "L"}, {"S", "U"}


def parse_tag(tag: str) -> tuple[str, Optional[str]]:
    """"B-PER" -> ("B", "PER"); "O" -> ("O", None); an IO-scheme "PER" -> ("I", "PER")."""
    head, sep, rest = tag.partition("-")
    if sep and head.upper() in _BEGIN | _INSIDE | _END | _SINGLE and rest:
        return head.upper(), rest
    if tag.upper() == "O":
        return "O", None
    return "I", tag


def tags_to_spans(words: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """(start, end, tag) words in text order -> (start, end, type) spans."""
    spans: list[list] = []
    open_span: Optional[list] = None
    for start, end, tag in words:
        prefix, kind = parse_tag(tag)
        if kind is None:
            open_span = None
            continue
        if prefix in _BEGIN | _SINGLE or open_span is None or open_span[2] != kind:
            open_span = [start, end, kind]
            spans.append(open_span)
        else:
            open_span[1] = end
        if prefix in _END | _SINGLE:
            open_span = None
    return [tuple(s) for s in spans]


class HfNer:
    """A token-classification checkpoint, batched and windowed; loads on first use."""

    def __init__(self, model: str, *, device: str = "auto", batch_size: int = 16, stride: int = 64,
                 max_length: Optional[int] = None, label_map: Optional[dict[str, Optional[str]]] = None):
        if not model or not Path(model).is_dir():
            raise TariffwireError(Errors.E020.format(
                reason=f"nlp.ner.model={model!r} is not a local Hugging Face checkpoint directory "
                       f"(set --nlp.ner.model=/path/to/checkpoint)"))
        if device not in ("auto", "cpu", "cuda"):
            raise TariffwireError(Errors.E020.format(reason=f"nlp.ner.device={device!r}; expected auto, cpu or cuda"))
        self.model_path = model
        self.device_setting = device
        self.batch_size = batch_size
        self.stride = stride
        self.max_length = max_length
        self.label_map = {**DEFAULT_LABEL_MAP, **(label_map or {})}
        self.name = f"hf:{model}"
        self._loaded = None
        self._nlp = None

    @property
    def nlp(self):
        """A blank English pipeline whose `tariffwire_hf_ner` component runs this checkpoint."""
        if self._nlp is None:
            import spacy

            nlp = spacy.blank("en")
            nlp.max_length = max(nlp.max_length, MAX_LENGTH)
            nlp.add_pipe("tariffwire_hf_ner_v1", name="tariffwire_hf_ner", config={
                "model": self.model_path, "device": self.device_setting, "batch_size": self.batch_size,
                "stride": self.stride, "max_length": self.max_length, "label_map": self.label_map})
            # The component runs this backend: the checkpoint loads once, whichever asks first.
            nlp.get_pipe("tariffwire_hf_ner").backend = self
            self._nlp = nlp
        return self._nlp

    def _load(self):
        if self._loaded is None:
            torch = require("torch", "hf")
            transformers = require("transformers", "hf")
            AutoModelForTokenClassification, AutoTokenizer = transformers.AutoModelForTokenClassification, transformers.AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(self.model_path)
            if not tokenizer.is_fast:
                raise TariffwireError(Errors.E020.format(reason=f"{self.model_path!r} has no fast tokenizer (needed for offsets)"))
            device = self.device_setting
            if device == "auto":
                device = "cuda" if torch.cuda.is_available() else "cpu"
            model = AutoModelForTokenClassification.from_pretrained(self.model_path).to(device).eval()
            limit = min(tokenizer.model_max_length, getattr(model.config, "max_position_embeddings", 512) or 512, 512)
            max_length = min(self.max_length or limit, limit)
            room = max_length - tokenizer.num_special_tokens_to_add()
            stride = max(0, min(self.stride, room // 2))
            self._loaded = (tokenizer, model, device, max_length, stride)
        return self._loaded

    def _label(self, kind: str) -> Optional[str]:
        for key in (kind, kind.upper()):
            if key in self.label_map:
                return self.label_map[key]
        return kind

    def pipe(self, texts: Iterable[str]) -> Iterator[list[Entity]]:
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) == self.batch_size:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def _batch(self, texts: list[str]) -> list[list[Entity]]:
        import torch

        tokenizer, model, device, max_length, stride = self._load()
        enc = tokenizer(texts, truncation=True, max_length=max_length, stride=stride, return_overflowing_tokens=True,
                        return_offsets_mapping=True, padding=True, return_tensors="pt")
        windows = enc["overflow_to_sample_mapping"].tolist()
        probs = []
        with torch.inference_mode():
            for i in range(0, len(windows), self.batch_size):
                inputs = {k: enc[k][i:i + self.batch_size].to(device) for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc}
                probs.append(model(**inputs).logits.softmax(-1).cpu())
        probs = torch.cat(probs) if probs else torch.empty(0)
        # Per text: sub-token (start, end) -> [summed probabilities, windows], and word -> its sub-tokens.
        tokens: list[dict] = [{} for _ in texts]
        words: list[dict] = [{} for _ in texts]
        for w, sample in enumerate(windows):
            offsets = enc["offset_mapping"][w].tolist()
            for t, word in enumerate(enc.word_ids(w)):
                if word is None:
                    continue
                key = tuple(offsets[t])
                entry = tokens[sample].setdefault(key, [0, 0])
                entry[0] = entry[0] + probs[w, t]
                entry[1] += 1
                words[sample].setdefault(word, set()).add(key)
        id2label = model.config.id2label
        out = []
        for sample, text in enumerate(texts):
            tagged = []
            for keys in words[sample].values():
                first = min(keys)
                total, seen = tokens[sample][first]
                tag = id2label[int((total / seen).argmax())]
                tagged.append((first[0], max(e for _, e in keys), tag))
            entities = []
            for start, end, kind in tags_to_spans(sorted(tagged)):
                label = self._label(kind)
                if label:
                    entities.append(Entity(start, end, label))
            out.append(entities)
        return out


@registry.ner_backends("tariffwire.HfNer.v1")
def make_hf_ner(
    model: Optional[str] = None,
    device: Literal["auto", "cpu", "cuda"] = "auto",
    batch_size: PositiveInt = 16,
    stride: int = 64,
    max_length: Optional[int] = None,
    label_map: dict[str, Optional[str]] = {},
) -> HfNer:
    return HfNer(model, device=device, batch_size=batch_size, stride=stride, max_length=max_length, label_map=label_map)


@component_factory("tariffwire_hf_ner", default_config={"device": "auto", "batch_size": 16, "stride": 64,
                                                       "max_length": None, "label_map": {}},
                  assigns=["doc.ents"])
def make_hf_ner_component(nlp: Language, name: str, model: str, device: Literal["auto", "cpu", "cuda"],
                          batch_size: PositiveInt, stride: int,
                          max_length: Optional[int], label_map: dict[str, Optional[str]]) -> "HfNerComponent":
    return HfNerComponent(HfNer(model, device=device, batch_size=batch_size, stride=stride, max_length=max_length,
                                label_map=label_map))


class HfNerComponent:
    """Sets doc.ents from the checkpoint (spans widened to whole tokens where a sub-token boundary
    falls inside one); the officials component reads the checkpoint's exact offsets."""

    def __init__(self, backend: HfNer):
        self.backend = backend
        self.settings = {"hf_ner_model": backend.model_path, "hf_label_map": backend.label_map}
        self._error_handler = raise_error

    def set_error_handler(self, handler) -> None:
        self._error_handler = handler

    def get_error_handler(self):
        return self._error_handler

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: Optional[int] = None) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size or self.backend.batch_size):
            try:
                found = list(self.backend.pipe(doc.text for doc in batch))
            except Exception as exc:  # the pipeline's error handler decides (Language.pipe)
                self._error_handler("tariffwire_hf_ner", self, batch, exc)
                continue
            for doc, entities in zip(batch, found):
                context_of(doc).entities = [(e.start, e.end, e.label) for e in entities]
                spans = [doc.char_span(e.start, e.end, label=e.label, alignment_mode="expand") for e in entities]
                doc.ents = filter_spans([s for s in spans if s is not None])
                yield doc
