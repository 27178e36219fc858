"""Score extractor.normalize.dates.find_dates against the MEANTIME English TIMEX3 gold.

    python benchmarks/meantime_dates.py [--shared ../shared] [--details]

Value-exact F1 over the gold DATE and DURATION timexes whose value the output schema can express
(YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn, YYYY, P<n><D|W|M|Y>). A prediction matches a gold timex
when their character spans overlap and the values are equal (one-to-one). An unmatched prediction
is a false positive when it overlaps a scorable gold timex (wrong value) or no gold timex at all;
one that overlaps only an unscorable timex (PRESENT_REF, XXXX-XX-XX, PXY, a TIME or a SET) is
neither. Predictions with value None count as not predicted. MEANTIME annotates only the title
and the first five sentences of each article; the whole text is searched (context for tense), but
only predictions inside the annotated sentences are scored.

Gold count: the brief expected 288; this script counts 283. Of the 285 anchored DATE/DURATION
timexes with a schema value outside CREATION_TIME, two are the title-line date of the two
documents that have no CREATION_TIME timex (78496, 8951); that date is their creation time, so it
is excluded like the others (285 - 2 = 283). Timexes without token anchors (33 with a scorable
value) cannot be placed in the text and are not counted; malformed values such as "PY5", "PM6"
and "03-02-2009" are not schema values.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extractor.segment import segment  # noqa: E402
from extractor.normalize.dates import find_dates  # noqa: E402

SCORABLE = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{4}-W\d{2}|\d{4}-\d{2}|\d{4}-Q[1-4]|\d{4}|P\d+[DWMY])$")
ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def load_document(path: Path) -> dict:
    """Text rebuilt from tokens, the reference date, and the timexes with character spans."""
    root = ET.parse(path).getroot()
    tokens = sorted(root.iter("token"), key=lambda t: int(t.get("number")))
    pieces: list[str] = []
    offsets: dict[str, tuple[int, int]] = {}
    pos, sentence = 0, None
    for tok in tokens:
        if sentence is not None:
            sep = " " if tok.get("sentence") == sentence else "\n"
            pieces.append(sep)
            pos += 1
        sentence = tok.get("sentence")
        word = tok.text or ""
        offsets[tok.get("t_id")] = (pos, pos + len(word))
        pieces.append(word)
        pos += len(word)
    text = "".join(pieces)
    sentences = {t.get("t_id"): int(t.get("sentence")) for t in tokens}
    # MEANTIME annotates only the title and the first sentences (0-5): predictions past the last
    # sentence that holds any markable are out of the annotated region and not scored.
    marked = [sentences[a.get("t_id")] for a in root.iter("token_anchor") if a.get("t_id") in sentences]
    last = max(marked, default=-1)
    annotated_end = max((end for tid, (_, end) in offsets.items() if sentences[tid] <= last), default=0)

    timexes = []
    for tx in root.iter("TIMEX3"):
        ids = [a.get("t_id") for a in tx.findall("token_anchor") if a.get("t_id") in offsets]
        if not ids:
            continue
        span = (min(offsets[i][0] for i in ids), max(offsets[i][1] for i in ids))
        timexes.append({
            "span": span,
            "text": text[span[0]:span[1]],
            "type": tx.get("type"),
            "value": tx.get("value") or "",
            "creation": tx.get("functionInDocument") == "CREATION_TIME",
            "sentence": min(sentences[i] for i in ids),
        })

    creation = next((t for t in timexes if t["creation"]), None)
    if creation is None:
        # Two documents lack a CREATION_TIME timex; their title-line date (sentence 1) is it.
        creation = next((t for t in timexes if t["sentence"] == 1 and ISO_DAY.match(t["value"])), None)
    ref = _parse_ref(creation) if creation else None
    return {"name": path.stem, "text": text, "ref": ref, "timexes": timexes, "annotated_end": annotated_end,
            "creation_span": creation["span"] if creation else None}


def _parse_ref(timex: dict) -> dt.date | None:
    m = ISO_DAY.match(timex["value"])
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    # A malformed value ("03-02-2009"): read the mention itself.
    for match in find_dates(timex["text"], None):
        if match.grain == "day" and match.value:
            return dt.date.fromisoformat(match.value)
    return None


def score_document(doc: dict) -> dict:
    cspan = doc["creation_span"]
    exclude = [cspan] if cspan else []
    timexes = [t for t in doc["timexes"] if not (cspan and _overlaps(t["span"], cspan))]
    gold = [t for t in timexes if t["type"] in ("DATE", "DURATION") and SCORABLE.match(t["value"])]
    # The sentences the pipeline reads the tense in (extractor/segment.py), as the dates component passes them.
    sentences = segment(doc["text"], exclude).sentences
    predictions = [p for p in find_dates(doc["text"], doc["ref"], exclude=exclude, sentences=sentences)
                   if p.value is not None and p.start < doc["annotated_end"]]

    matched_gold: set[int] = set()
    tp, false_hits = 0, []
    for p in predictions:
        pspan = (p.start, p.end)
        hit = next((i for i, g in enumerate(gold)
                    if i not in matched_gold and _overlaps(pspan, g["span"]) and g["value"] == p.value), None)
        if hit is not None:
            matched_gold.add(hit)
            tp += 1
            continue
        overlaps_scorable = any(_overlaps(pspan, g["span"]) for g in gold)
        overlaps_any = overlaps_scorable or any(_overlaps(pspan, t["span"]) for t in timexes)
        if overlaps_scorable or not overlaps_any:
            false_hits.append((doc["name"], p.text, p.value, _context(doc["text"], p.start, p.end)))
    misses = []
    for i, g in enumerate(gold):
        if i not in matched_gold:
            got = [p.value for p in predictions if _overlaps((p.start, p.end), g["span"])]
            misses.append((doc["name"], g["text"], g["value"], got, _context(doc["text"], *g["span"])))
    return {"gold": len(gold), "tp": tp, "fp": len(false_hits), "fn": len(misses),
            "misses": misses, "false_hits": false_hits}


def _context(text: str, start: int, end: int, width: int = 60) -> str:
    return (text[max(0, start - width):start] + "[[" + text[start:end] + "]]" + text[end:end + width]).replace("\n", " / ")


def score_meantime(shared_dir: Path | str) -> dict:
    """Totals over every document of shared_dir/data/meantime-en/intra-doc_annotation."""
    corpus = Path(shared_dir) / "data" / "meantime-en" / "intra-doc_annotation"
    files = sorted(corpus.glob("corpus_*/*.xml"))
    if not files:
        raise FileNotFoundError(f"no MEANTIME documents under {corpus}")
    totals = {"documents": 0, "gold": 0, "tp": 0, "fp": 0, "fn": 0, "misses": [], "false_hits": []}
    for path in files:
        result = score_document(load_document(path))
        totals["documents"] += 1
        for key in ("gold", "tp", "fp", "fn", "misses", "false_hits"):
            totals[key] += result[key]
    tp, fp, fn = totals["tp"], totals["fp"], totals["fn"]
    totals["precision"] = tp / (tp + fp) if tp + fp else 0.0
    totals["recall"] = tp / (tp + fn) if tp + fn else 0.0
    p, r = totals["precision"], totals["recall"]
    totals["f1"] = 2 * p * r / (p + r) if p + r else 0.0
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--details", action="store_true", help="print every miss and false hit")
    args = parser.parse_args(argv)
    result = score_meantime(args.shared)
    if args.details:
        for name, text, value, got, ctx in result["misses"]:
            print(f"MISS  {name[:40]:40}  {text!r} gold={value} got={got}\n      {ctx}")
        for name, text, value, ctx in result["false_hits"]:
            print(f"FALSE {name[:40]:40}  {text!r} value={value}\n      {ctx}")
    print(f"documents: {result['documents']}  gold timexes: {result['gold']}")
    print(f"TP {result['tp']}  FP {result['fp']}  FN {result['fn']}")
    print(f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
