"""Accuracy on the real-article set (corpora/real): checks the re-collected texts against the manifest,
runs `tariffwire extract` on them with each article's publication date and prints `tariffwire
evaluate` scores overall and per register (wire copy vs government documents).

    PYTHONPATH=$PWD python benchmarks/real_articles.py            # check, extract, score
    PYTHONPATH=$PWD python benchmarks/real_articles.py --check-only
    PYTHONPATH=$PWD python benchmarks/real_articles.py --details  # every miss and false hit (gold facts only)

The texts are third-party copy and are not in git: corpora/real/collect.md says how to re-collect
them into corpora/real/texts/. This script never prints a text, only ids, hashes and scores.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Sequence

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "corpora" / "real"
RUN_DIR_NAME = "_run"  # inside the git-ignored texts folder: the extract input and output
REGISTERS = ("wire", "government")


class TextCheck:
    """How the texts on disk compare with the manifest's sha256 (ids only, never text).

    A plain class, not a dataclass: tests load this script by path, outside sys.modules."""

    def __init__(self) -> None:
        self.verified: dict[str, dict] = {}  # id -> text record
        self.missing: list[str] = []
        self.mismatched: list[str] = []
        self.unexpected: list[str] = []
        self.unreadable: list[str] = []  # "file:line (reason)"

    @property
    def complete(self) -> bool:
        return not (self.missing or self.mismatched or self.unexpected or self.unreadable)

    def summary(self, total: int) -> str:
        lines = [f"texts: {len(self.verified)}/{total} verified against the manifest's sha256"]
        for label, ids in (("missing", self.missing), ("sha256 mismatch", self.mismatched),
                           ("not in the manifest", self.unexpected), ("unreadable", self.unreadable)):
            if ids:
                lines.append(f"  {label} ({len(ids)}): {', '.join(ids)}")
        return "\n".join(lines)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def text_files(texts_dir: Path) -> list[Path]:
    """The re-collected .jsonl files (the script's own run folder excluded)."""
    return sorted(p for p in texts_dir.rglob("*.jsonl") if RUN_DIR_NAME not in p.relative_to(texts_dir).parts)


def check_texts(manifest: list[dict], texts_dir: Path) -> TextCheck:
    expected = {m["id"]: m["sha256"] for m in manifest}
    result = TextCheck()
    seen: set[str] = set()
    for path in text_files(texts_dir):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    article_id, text = record["id"], record["text"]
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    result.unreadable.append(f"{path.name}:{n} ({type(exc).__name__})")
                    continue
                seen.add(article_id)
                if article_id not in expected:
                    result.unexpected.append(article_id)
                elif not isinstance(text, str) or sha256_of(text) != expected[article_id]:
                    result.mismatched.append(article_id)
                else:
                    result.verified[article_id] = record
    result.missing = [i for i in expected if i not in seen]
    return result


def extract_input(manifest: list[dict], verified: dict[str, dict]) -> list[dict]:
    """Extractor input lines for the verified texts; date, source and URL come from the manifest."""
    rows = []
    for m in manifest:
        record = verified.get(m["id"])
        if record is not None:
            rows.append({"id": m["id"], "headline": record.get("headline"), "published": m["published"],
                         "source": m.get("source"), "url": m["url"], "text": record["text"]})
    return rows


def run_extract(rows: list[dict], run_dir: Path, extract_args: Sequence[str] = ()) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    source, out = run_dir / "input.jsonl", run_dir / "out"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", str(source), "-o", str(out), "-q", *extract_args],
                          capture_output=True, text=True, cwd=REPO, env=env)
    if proc.returncode not in (0, 1):  # 1: some records failed, each in errors.jsonl; still scoreable
        raise SystemExit(f"tariffwire extract failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return out


def scores_by_register(gold: list[dict], manifest: list[dict], pred_dir: Path) -> dict:
    """evaluate Reports for all articles and per register, over the gold of the given articles."""
    from extractor.evaluate import evaluate, load_predictions

    articles, events = load_predictions(pred_dir)
    register = {m["id"]: m["register"] for m in manifest}
    reports = {"all": evaluate(gold, articles, events)}
    for name in REGISTERS:
        reports[name] = evaluate([g for g in gold if register.get(g["id"]) == name], articles, events)
    return reports


def consolidation_scores(gold_path: Path, gold: list[dict], pred_dir: Path) -> list:
    """tariffwire's and the baseline's consolidation scores (B-cubed, timeline, duplication, as-of)
    over the verified articles, when the gold folder holds measures gold (*.measures.jsonl); [] else."""
    from extractor.consolidate.scoring import has_storyline_gold
    from extractor.evaluate import load_predictions, score_consolidation

    folder = gold_path.parent if gold_path.is_file() else gold_path
    if not has_storyline_gold([folder]):
        return []
    articles, events = load_predictions(pred_dir)
    return score_consolidation([folder], pred_dir, gold, articles, events)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=REAL / "texts", help="folder of re-collected text .jsonl files")
    parser.add_argument("--manifest", type=Path, default=REAL / "manifest.jsonl")
    parser.add_argument("--gold", type=Path, default=REAL / "gold" / "real.gold.jsonl")
    parser.add_argument("--check-only", action="store_true", help="verify the texts and stop")
    parser.add_argument("--strict", action="store_true", help="refuse to score unless every text is present and verified")
    parser.add_argument("--details", action="store_true", help="list every miss and false hit (gold facts, no text)")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON to this path")
    parser.add_argument("extract_args", nargs=argparse.REMAINDER,
                        help="after --: options for `tariffwire extract`, e.g. -- -c configs/learned-roles.cfg "
                             "--paths.relations_model=models/roles-ensemble")
    args = parser.parse_args(argv)
    extract_args = [a for a in args.extract_args if a != "--"]

    if not args.texts.is_dir():
        raise SystemExit(f"no texts folder at {args.texts}: the real articles are not in git; re-collect them "
                         f"with the search tool as corpora/real/collect.md says, then run this again")
    manifest = read_manifest(args.manifest)
    check = check_texts(manifest, args.texts)
    print(check.summary(len(manifest)))
    if args.check_only:
        return 0 if check.complete else 1
    if not check.verified:
        raise SystemExit("no verified text to score")
    if args.strict and not check.complete:
        raise SystemExit("--strict: some texts are missing or do not match the manifest")

    from extractor.evaluate import format_details, load_gold

    out = run_extract(extract_input(manifest, check.verified), args.texts / RUN_DIR_NAME, extract_args)
    gold = [g for g in load_gold([args.gold]) if g["id"] in check.verified]
    reports = scores_by_register(gold, manifest, out)
    for name, report in reports.items():
        print(f"\n== {name} ({report.articles} articles)\n{report.table()}")
    consolidation = consolidation_scores(args.gold, gold, out)
    if consolidation:
        from extractor.consolidate.scoring import consolidation_table

        print(f"\n== consolidation\n{consolidation_table(consolidation)}")
    if args.details:
        print("\n" + format_details(reports["all"]))
    if args.json:
        scores = {name: r.as_dict() for name, r in reports.items()}
        if consolidation:
            scores["consolidation"] = {s.name: s.as_dict() for s in consolidation}
        args.json.write_text(json.dumps(scores, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
