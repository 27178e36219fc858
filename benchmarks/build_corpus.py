"""Build a benchmark corpus: trade articles mixed with non-trade news at a chosen trade share.

    python benchmarks/build_corpus.py -n 2000 --trade-share 0.1 -o /tmp/bench/corpus.jsonl

Trade articles come from corpora/dev (train + test) and corpora/samples, read with tariffwire's
own reader (`.txt` samples get --published's date). Non-trade news are the MEANTIME English
Wikinews articles at ../shared/data/meantime-en, their text rebuilt from the tokens (one line a
sentence). Articles are drawn with replacement and written as JSONL with unique ids
(`bench-000001-dev-a-01`) and their publication dates.

Which pool an article belongs to is decided by the prefilter's own test (api.is_relevant): the
one corpus article that fails it (sample-09, a weather story) counts as non-trade, and by default
the 8 of 120 MEANTIME articles that pass it (stock and car-industry news that mention "imports",
"duties" or "trade") are left out, so that --trade-share is exactly the share of articles the
prefilter sends to NER. `--non-trade all` keeps them (a harder, more realistic mix).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator, Optional

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extractor.api import is_relevant  # noqa: E402

TRADE_INPUTS = [ROOT / "corpora" / "dev" / "train", ROOT / "corpora" / "dev" / "test", ROOT / "corpora" / "samples"]
SAMPLES_PUBLISHED = "2025-04-10"  # the date the README passes for the .txt samples
DEFAULT_SHARED = ROOT.parent / "shared"


def meantime_dir(shared: Path = DEFAULT_SHARED) -> Path:
    return Path(shared) / "data" / "meantime-en" / "intra-doc_annotation"


def meantime_article(path: Path) -> dict:
    """One MEANTIME document as an input record: text rebuilt from its tokens, one line a sentence."""
    root = ET.parse(path).getroot()
    tokens = sorted(root.iter("token"), key=lambda t: int(t.get("number")))
    lines: list[list[str]] = []
    sentence = None
    for tok in tokens:
        if tok.get("sentence") != sentence:
            sentence = tok.get("sentence")
            lines.append([])
        lines[-1].append(tok.text or "")
    published = None
    for tx in root.iter("TIMEX3"):
        if tx.get("functionInDocument") == "CREATION_TIME" and len(tx.get("value") or "") >= 10:
            published = tx.get("value")[:10]
            break
    title = path.stem.split("_", 1)[-1].replace("_", " ")
    return {"id": "meantime-" + path.stem.split("_", 1)[0], "headline": title, "published": published,
            "source": "Wikinews", "url": None, "text": "\n".join(" ".join(words) for words in lines)}


def meantime_articles(shared: Path = DEFAULT_SHARED) -> list[dict]:
    """All MEANTIME English articles (empty when the data set is not there)."""
    folder = meantime_dir(shared)
    return [meantime_article(p) for p in sorted(folder.rglob("*.xml"))] if folder.is_dir() else []


def corpus_articles() -> list[dict]:
    """The project's own articles (dev train + test, samples) as input records."""
    from extractor.config import load_config
    from extractor.api import Extractor

    extractor = Extractor(load_config(None, {"ingest.published_default": SAMPLES_PUBLISHED}))
    out = []
    for item in extractor.read([str(p) for p in TRADE_INPUTS]):
        if isinstance(item, Exception):
            continue
        out.append({"id": item.id, "headline": item.headline, "published": item.published, "source": item.source,
                    "url": item.url, "text": item.text})
    return out


def pools(shared: Path = DEFAULT_SHARED, non_trade: str = "strict") -> tuple[list[dict], list[dict]]:
    """(trade, non_trade) article pools, split by the prefilter's test."""
    trade, other = [], []
    for article in corpus_articles():
        (trade if is_relevant(article["text"]) else other).append(article)
    for article in meantime_articles(shared):
        if not is_relevant(article["text"]):
            other.append(article)
        elif non_trade == "all":
            other.append(article)
    if not trade:
        raise SystemExit("no trade articles found under corpora/")
    if not other:
        raise SystemExit(f"no non-trade articles: MEANTIME not found at {meantime_dir(shared)}")
    return trade, other


def generate(n: int, trade_share: float, *, seed: int = 0, shared: Path = DEFAULT_SHARED,
             non_trade: str = "strict") -> Iterator[dict]:
    """n articles, round(n * trade_share) of them trade articles, in shuffled order, unique ids."""
    trade, other = pools(shared, non_trade)
    rng = random.Random(seed)
    n_trade = round(n * trade_share)
    kinds = [True] * n_trade + [False] * (n - n_trade)
    rng.shuffle(kinds)
    for i, is_trade in enumerate(kinds, 1):
        article = dict(rng.choice(trade if is_trade else other))
        article["id"] = f"bench-{i:06d}-{article['id']}"
        yield article


def write_corpus(path: Path, n: int, trade_share: float, *, seed: int = 0, shared: Path = DEFAULT_SHARED,
                 non_trade: str = "strict") -> dict:
    """Write the corpus as JSONL; return its size: articles, words, characters, trade articles."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stats = {"articles": 0, "words": 0, "chars": 0, "relevant": 0}
    with path.open("w", encoding="utf-8") as fh:
        for article in generate(n, trade_share, seed=seed, shared=shared, non_trade=non_trade):
            fh.write(json.dumps(article, ensure_ascii=False) + "\n")
            stats["articles"] += 1
            stats["words"] += len(article["text"].split())
            stats["chars"] += len(article["text"])
            stats["relevant"] += int(is_relevant(article["text"]))
    return stats


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=2000)
    parser.add_argument("--trade-share", type=float, default=0.1, help="share of trade articles (0..1)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the .jsonl file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder (holds data/meantime-en)")
    parser.add_argument("--non-trade", choices=("strict", "all"), default="strict",
                        help="strict: only MEANTIME articles the prefilter rejects; all: every MEANTIME article")
    args = parser.parse_args(argv)
    if not 0.0 <= args.trade_share <= 1.0:
        parser.error("--trade-share must be between 0 and 1")
    stats = write_corpus(args.output, args.articles, args.trade_share, seed=args.seed, shared=args.shared,
                         non_trade=args.non_trade)
    print(json.dumps({"path": str(args.output), **stats}))


if __name__ == "__main__":
    main()
