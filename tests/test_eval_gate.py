"""Evaluation gate: extraction may not get worse on the held-out dev test split.

Modelled on trafilatura's tests/eval_gate.py: the pins are minimum F1 per field on a pinned corpus
(corpora/dev/test, never used for tuning). Raise a pin when the score rises; a change that lowers a
score below its pin fails CI.
"""
import json

import pytest

from extractor.consolidate import consolidate_events
from extractor.evaluate import evaluate, load_gold, score_consolidation
from tests.pipeline_support import CORPORA, extractor

pytestmark = pytest.mark.slow

# Measured on the whole held-out split corpora/dev/test (batches t, u and v: 44 articles, wire,
# agency and government register) with the default config on 2 December 2026: officials 0.933,
# countries 0.992, tariffs 0.818, tariff rates 0.979, dates 0.977, events 0.746. The pins sit just
# below the measurement.
PINS = {
    "officials": 0.92,
    "countries": 0.98,
    "tariffs": 0.80,
    "tariff_rates": 0.96,
    "dates": 0.96,
    "events": 0.73,
}
TEST_GOLD = [CORPORA / "dev" / "gold" / f"test-{batch}.gold.jsonl" for batch in ("t", "u", "v")]


@pytest.fixture(scope="module")
def report():
    ex = extractor()
    articles, events = {}, {}
    for outcome in ex.extract(ex.read([str(CORPORA / "dev" / "test")])):
        assert outcome.error is None, outcome.error
        articles[outcome.article_id] = outcome.record.model_dump(mode="json")
        events[outcome.article_id] = [e.model_dump(mode="json") for e in outcome.events]
    return evaluate(load_gold(TEST_GOLD), articles, events)


@pytest.mark.parametrize("field", sorted(PINS))
def test_eval_gate_f1_at_least_pinned(report, field):
    f1 = report.scores[field].f1
    assert f1 >= PINS[field], f"{field} F1 {f1:.3f} fell below the pinned {PINS[field]:.2f}\n{report.table()}"


def test_eval_gate_every_test_article_has_a_prediction(report):
    assert not report.missing_predictions
    assert report.articles >= 40  # the held-out split the issue asks for: at least 40 articles


def test_eval_gate_higher_confidence_means_higher_precision():
    import sys

    sys.path.insert(0, str(CORPORA.parent / "benchmarks"))
    from confidence import measure

    result = measure([str(CORPORA / "dev" / "test")], [str(CORPORA / "dev" / "gold" / "test-t.gold.jsonl")])
    high, mid = result["at_least"]["0.8"], result["at_least"]["0.5"]
    assert high["n"] >= 20
    assert high["precision"] > mid["precision"]
    assert high["precision"] >= 0.85


# -- consolidation: measures may not get worse on the held-out storylines ---------------------------
# corpora/storylines/test (never used for tuning) is extracted with the default config and
# consolidated in memory; the scores (extractor/consolidate/scoring.py) must stay at or above the
# pins, and beat the baseline grouping by (imposer, targets, products). Raise a pin when a score rises.

STORIES = CORPORA / "storylines"
GOLD = STORIES / "gold"

# Measured on corpora/storylines/test (3 stories, 39 articles) with the default config on 2 December
# 2026: B-cubed F1 0.750, timeline F1 0.332, as-of 0.294 (10 of 34), duplication 0.94 (baseline:
# 0.731, 0.312, 0.147, 1.26). The pins sit just below (duplication: just above). Round 2 (lists of
# partners taken over by a partner's own measure, 2 December 2026): 0.765, 0.359, 0.294, 0.90.
CONSOLIDATION_PINS = {"bcubed_f1": 0.76, "timeline_f1": 0.37, "asof_accuracy": 0.31, "duplication": 0.92}


def _test_gold_files() -> list:
    stems = sorted(p.name.split(".")[0] for p in (STORIES / "test").glob("*.jsonl"))
    return [GOLD / f"{stem}.gold.jsonl" for stem in stems], [GOLD / f"{stem}.measures.jsonl" for stem in stems]


@pytest.fixture(scope="module")
def consolidation_scores():
    gold_files, measure_files = _test_gold_files()
    if not gold_files:
        pytest.skip("corpora/storylines/test holds no stories yet")
    ex = extractor()
    articles, events = {}, {}
    for outcome in ex.extract(ex.read([str(STORIES / "test")])):
        assert outcome.error is None, outcome.error
        articles[outcome.article_id] = outcome.record.model_dump(mode="json")
        events[outcome.article_id] = [e.model_dump(mode="json") for e in outcome.events]
    gold = load_gold(gold_files)
    assert not evaluate(gold, articles, events).missing_predictions
    published = {aid: a["published"] for aid, a in articles.items()}
    measures, links = consolidate_events([e for evs in events.values() for e in evs], published)
    system, baseline = score_consolidation(
        measure_files, None, gold, articles, events,
        measures=[json.loads(m.model_dump_json()) for m in measures],
        links={link.event_id: (link.measure_id, link.role) for link in links})
    return system, baseline


def _figures(score) -> dict:
    return {"bcubed_f1": score.bcubed_f1, "timeline_f1": score.points.f1, "asof_accuracy": score.asof_accuracy,
            "duplication": score.duplication}


@pytest.mark.parametrize("metric", sorted(CONSOLIDATION_PINS))
def test_eval_gate_consolidation_at_least_pinned(consolidation_scores, metric):
    system, _ = consolidation_scores
    value = _figures(system)[metric]
    if metric == "duplication":
        assert value <= CONSOLIDATION_PINS[metric], f"duplication {value:.3f} rose above the pinned {CONSOLIDATION_PINS[metric]:.2f}"
    else:
        assert value >= CONSOLIDATION_PINS[metric], f"{metric} {value:.3f} fell below the pinned {CONSOLIDATION_PINS[metric]:.2f}"


def test_eval_gate_consolidation_beats_the_baseline(consolidation_scores):
    system, baseline = consolidation_scores
    assert system.bcubed_f1 > baseline.bcubed_f1
    assert system.points.f1 > baseline.points.f1
    assert system.duplication < baseline.duplication
    assert system.asof_accuracy > baseline.asof_accuracy
