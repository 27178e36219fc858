"""Offline fixtures: a tiny randomly initialised BERT and a three-article corpus with gold."""
import json
import os
import string

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import pytest

ARTICLES = [
    {"id": "t-1", "published": "2019-05-13", "source": "Reuters", "headline": "China hits back",
     "text": "WASHINGTON (Reuters) - President Donald Trump on Monday imposed a 25% tariff on Chinese goods.\n"
             "Beijing said it would retaliate with a 10% duty on U.S. farm products."},
    {"id": "t-2", "published": "2018-06-01", "source": "Reuters", "headline": "Canada answers",
     "text": "OTTAWA (Reuters) - Canada will put 25% counter-tariffs on U.S. steel, Finance Minister Bill Morneau said on Friday.\n"
             "The United States imposed a 10% tariff on Canadian aluminum last month."},
    {"id": "t-3", "published": "2018-06-20", "source": "Reuters", "headline": "EU duties",
     "text": "BRUSSELS (Reuters) - The European Union set a 15% tariff on American whiskey, EU Trade Commissioner "
             "Cecilia Malmstrom said.\nWashington had imposed a 25% levy on European steel."},
]
GOLD = [
    {"id": "t-1", "ref_date": "2019-05-13", "officials": [{"name": "Donald Trump", "country": "USA", "title": "President"}],
     "countries": ["CHN", "USA"], "tariffs": [{"rate": 25.0, "imposer": "USA", "targets": ["CHN"]},
                                               {"rate": 10.0, "imposer": "CHN", "targets": ["USA"]}]},
    {"id": "t-2", "ref_date": "2018-06-01", "officials": [{"name": "Bill Morneau", "country": "CAN", "title": "Finance Minister"}],
     "countries": ["CAN", "USA"], "tariffs": [{"rate": 25.0, "imposer": "CAN", "targets": ["USA"]},
                                               {"rate": 10.0, "imposer": "USA", "targets": ["CAN"]}]},
    {"id": "t-3", "ref_date": "2018-06-20", "officials": [{"name": "Cecilia Malmstrom", "country": "EU", "title": "Trade Commissioner"}],
     "countries": ["EU", "USA"], "tariffs": [{"rate": 15.0, "imposer": "EU", "targets": ["USA"]},
                                              {"rate": 25.0, "imposer": "USA", "targets": ["EU"]}]},
]


def write_vocab(path):
    """Specials, characters and their ## continuations: WordPiece can spell any ASCII word."""
    chars = string.ascii_lowercase + string.digits + string.punctuation
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *("##" + c for c in chars), "the", "tariff", "on"]
    path.write_text("\n".join(vocab) + "\n", encoding="utf-8")
    return len(vocab)


def tiny_bert(directory, head=None, **head_kwargs):
    """Save a 2-layer, 32-wide BERT (BertModel, or `head` such as BertForTokenClassification) and its tokenizer."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    directory.mkdir(parents=True, exist_ok=True)
    size = write_vocab(directory / "vocab.txt")
    tokenizer = BertTokenizerFast(vocab_file=str(directory / "vocab.txt"), do_lower_case=True)
    config = BertConfig(vocab_size=size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=512, **head_kwargs)
    torch.manual_seed(0)
    model = (head or BertModel)(config)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def relations_model(directory, seed, *, tariff=0.0, official=None, rule_role_feature=False):
    """An untrained relations model directory as `tariffwire train relations` writes it."""
    import torch
    from transformers import AutoTokenizer, BertForSequenceClassification

    from extractor.relations.data import LABELS, MARKERS, RULE_ROLE_OTHER, RULE_ROLE_TOKENS
    from extractor.relations.model import METADATA

    tiny_bert(directory, BertForSequenceClassification, num_labels=len(LABELS))
    tokenizer = AutoTokenizer.from_pretrained(directory)
    tokenizer.add_tokens(list(MARKERS) + [*RULE_ROLE_TOKENS.values(), RULE_ROLE_OTHER], special_tokens=True)
    torch.manual_seed(seed)
    model = BertForSequenceClassification.from_pretrained(directory)
    model.resize_token_embeddings(len(tokenizer))
    # A different random head per "seed", so that the members disagree.
    torch.nn.init.normal_(model.classifier.weight, std=2.0)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    meta = {"labels": list(LABELS), "max_length": 64, "rule_role_feature": rule_role_feature,
            "min_confidence": {"tariff": tariff, "official": official}}
    (directory / METADATA).write_text(json.dumps(meta), encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory):
    return tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture
def gold_records():
    return GOLD


@pytest.fixture
def corpus(tmp_path):
    """(articles.jsonl, gold.jsonl) for the three articles."""
    articles = tmp_path / "corpus" / "articles.jsonl"
    gold = tmp_path / "gold" / "tiny.gold.jsonl"
    for path, rows in ((articles, ARTICLES), (gold, GOLD)):
        path.parent.mkdir()
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return articles, gold
