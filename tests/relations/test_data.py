import pytest

from extractor.api import Extractor
from extractor.relations.data import LABELS, Candidate, build_dataset, gold_label, mark, split_by_article


@pytest.fixture(scope="module")
def extractor():
    return Extractor.from_config()


@pytest.mark.parametrize(
    "text,sent,spans,expected",
    [
        ("A 25% duty on Chinese goods.", (0, 28), [(2, 5, "[R]", "[/R]"), (14, 21, "[C]", "[/C]")],
         "A [R]25%[/R] duty on [C]Chinese[/C] goods."),
        ("Intro. Canada put 10%\n tariffs on U.S. steel.", (7, 45), [(18, 21, "[R]", "[/R]"), (7, 13, "[C]", "[/C]")],
         "[C]Canada[/C] put [R]10%[/R] tariffs on U.S. steel."),
    ],
)
def test_data_mark_wraps_pair(text, sent, spans, expected):
    assert mark(text, sent, spans) == expected


def test_data_mark_crops_long_sentence_around_pair():
    text = "x " * 400 + "a 25% duty on Chinese goods " + "y " * 400
    start = text.index("25%")
    c = text.index("Chinese")
    marked = mark(text, (0, len(text)), [(start, start + 3, "[R]", "[/R]"), (c, c + 7, "[C]", "[/C]")])
    assert "[R]25%[/R] duty on [C]Chinese[/C]" in marked
    assert len(marked) < 500


def _tariff(rate, code):
    return Candidate("tariff", "t-1", code, "none", "", rate=rate)


def _official(name, code):
    return Candidate("official", "t-1", code, "none", "", person=name)


@pytest.mark.parametrize(
    "candidate,expected",
    [
        (_tariff(25.0, "USA"), "imposer"),
        (_tariff(25.0, "CHN"), "target"),
        (_tariff(10.0, "USA"), "target"),
        (_tariff(25.0, "JPN"), "none"),
        (_tariff(7.5, "USA"), None),  # gold lists no such rate
        (_official("Donald Trump", "USA"), "serves"),
        (_official("Trump", "USA"), "serves"),  # surname, as the scorer matches it
        (_official("Donald Trump", "CHN"), "none"),
        (_official("Kurt Tong", "USA"), None),  # not a gold official
    ],
)
def test_data_gold_label(candidate, expected, gold_records):
    assert gold_label(candidate, gold_records[0]) == expected


def test_data_gold_label_ambiguous_pair_is_skipped():
    gold = {"tariffs": [{"rate": 25.0, "imposer": "USA", "targets": ["CHN"]}, {"rate": 25.0, "imposer": "CHN", "targets": ["USA"]}]}
    assert gold_label(_tariff(25.0, "USA"), gold) is None


def test_data_build_dataset_labels_rule_candidates(extractor, corpus):
    articles, gold = corpus
    ds = build_dataset(extractor, [str(gold)], [str(articles)])
    rows = list(ds)
    assert {r["task"] for r in rows} == {"tariff", "official"}
    assert all(r["text"].count("[C]") == 1 for r in rows)
    labels = {(r["code"], r["text"]): LABELS[r["label"]] for r in rows if r["task"] == "tariff" and r["article_id"] == "t-1"}

    def label_of(code, *parts):
        (label,) = [v for (c, text), v in labels.items() if c == code and all(p in text for p in parts)]
        return label

    assert label_of("CHN", "[R]25%[/R] tariff on [C]Chinese[/C] goods") == "target"
    assert label_of("USA", "[C]Donald Trump[/C]", "[R]25%[/R]") == "imposer"
    assert label_of("CHN", "[C]Beijing[/C]", "[R]10%[/R]") == "imposer"


def test_data_split_by_article_keeps_articles_whole(extractor, corpus):
    articles, gold = corpus
    ds = build_dataset(extractor, [str(gold)], [str(articles)])
    train, val = split_by_article(ds, 0.34, seed=1)
    assert len(train) + len(val) == len(ds)
    assert len(set(val["article_id"])) == 1
    assert not set(train["article_id"]) & set(val["article_id"])
