import os
import string

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import pytest

from extractor.errors import TariffwireError
from extractor.nlp.hf_ner import HfNer, parse_tag, tags_to_spans

TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]


@pytest.mark.parametrize(
    "tag,expected",
    [("O", ("O", None)), ("B-PER", ("B", "PER")), ("I-LOC", ("I", "LOC")), ("S-ORG", ("S", "ORG")),
     ("E-MISC", ("E", "MISC")), ("PER", ("I", "PER")), ("B-NORP", ("B", "NORP")), ("GPE", ("I", "GPE"))],
)
def test_hf_ner_parse_tag(tag, expected):
    assert parse_tag(tag) == expected


@pytest.mark.parametrize(
    "words,expected",
    [
        # BIO / IOB2
        ([(0, 6, "B-PER"), (7, 12, "I-PER"), (13, 17, "O"), (18, 23, "B-LOC")], [(0, 12, "PER"), (18, 23, "LOC")]),
        # two adjacent entities of one type
        ([(0, 5, "B-LOC"), (6, 11, "B-LOC")], [(0, 5, "LOC"), (6, 11, "LOC")]),
        # IOB1 / IO: an I- after O or after another type opens a span
        ([(0, 5, "I-ORG"), (6, 11, "I-PER"), (12, 14, "PER")], [(0, 5, "ORG"), (6, 14, "PER")]),
        # BIOES
        ([(0, 3, "S-LOC"), (4, 8, "B-PER"), (9, 12, "E-PER"), (13, 16, "I-PER")], [(0, 3, "LOC"), (4, 12, "PER"), (13, 16, "PER")]),
    ],
)
def test_hf_ner_tags_to_spans(words, expected):
    assert tags_to_spans(words) == expected


def _tiny_token_classifier(directory, winning_tag=None):
    """A 2-layer BERT token classifier; with `winning_tag`, every token gets that tag."""
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    chars = string.ascii_lowercase + string.digits + string.punctuation
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *("##" + c for c in chars)]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)})
    torch.manual_seed(0)
    model = BertForTokenClassification(config)
    if winning_tag is not None:
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.fill_(-10.0)
            model.classifier.bias[TAGS.index(winning_tag)] = 10.0
    model.save_pretrained(directory)
    BertTokenizerFast(vocab_file=str(directory / "vocab.txt"), do_lower_case=True).save_pretrained(directory)
    return str(directory)


TEXTS = [
    "President Donald Trump on Monday imposed a 25% tariff on Chinese goods.",
    "",
    "Finance Minister Bill Morneau said Canada would retaliate. " * 12,  # longer than one 64-token window
]


def test_hf_ner_random_model_gives_valid_spans(tmp_path):
    ner = HfNer(_tiny_token_classifier(tmp_path / "random"), device="cpu", batch_size=2, stride=8)
    results = list(ner.pipe(TEXTS))
    assert len(results) == len(TEXTS)
    assert results[1] == []
    for text, ents in zip(TEXTS, results):
        for e in ents:
            assert 0 <= e.start < e.end <= len(text)
            assert text[e.start:e.end] == text[e.start:e.end].strip()
            assert e.label in {"PERSON", "ORG", "GPE", "NORP"}


@pytest.mark.parametrize(
    "tag,label_map,expected",
    [("I-PER", {}, "PERSON"), ("I-LOC", {}, "GPE"), ("I-MISC", {}, "NORP"), ("I-ORG", {}, "ORG"),
     ("I-PER", {"PER": "ORG"}, "ORG"), ("I-PER", {"PER": None}, None)],
)
def test_hf_ner_windows_cover_whole_text_and_map_labels(tmp_path, tag, label_map, expected):
    # Every token tagged I-X: each text is one span from its first word to its last, however many
    # windows it takes, so no part of a long text is lost.
    ner = HfNer(_tiny_token_classifier(tmp_path / "fixed", tag), device="cpu", stride=8, label_map=label_map)
    for text, ents in zip(TEXTS, ner.pipe(TEXTS)):
        if expected is None or not text:
            assert ents == []
            continue
        assert [(e.start, e.end, e.label) for e in ents] == [(0, len(text.rstrip()), expected)]


def test_hf_ner_refuses_missing_checkpoint(tmp_path):
    with pytest.raises(TariffwireError, match="nlp.ner.model"):
        HfNer(str(tmp_path / "nowhere"))


def test_hf_ner_selected_by_config_file(tmp_path, cli, monkeypatch):
    # In process (the CLI app through click's runner): a subprocess per run would import torch
    # and transformers afresh, which is most of this test's time and none of what it checks.
    import json
    from pathlib import Path

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = _tiny_token_classifier(tmp_path / "fixed", "B-PER")
    article = tmp_path / "in.jsonl"
    article.write_text(json.dumps({"id": "a1", "published": "2025-04-10", "text": TEXTS[0]}) + "\n", encoding="utf-8")
    cfg = Path(__file__).resolve().parents[2] / "configs" / "hf-ner.cfg"
    command = ["extract", article, "-o", tmp_path / "out", "-q", "-c", cfg]
    missing = cli(*command)
    assert missing.exit_code == 2 and "nlp.ner.model" in missing.stderr
    done = cli(*command, f"--nlp.ner.model={model}")
    assert done.exit_code == 0, done.stderr
    assert (tmp_path / "out" / "articles.jsonl").exists()
