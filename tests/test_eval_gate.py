"""Evaluation gate: extraction may not get worse on the held-out dev test split.

Modelled on trafilatura's tests/eval_gate.py: the pins are minimum F1 per field on a pinned corpus
(corpora/dev/test, never used for tuning). Raise a pin when the score rises; a change that lowers a
score below its pin fails CI.
"""
import pytest

from extractor.evaluate import evaluate, load_gold
from tests.pipeline_support import CORPORA, extractor

pytestmark = pytest.mark.slow

# Measured on corpora/dev/test with the default config; the pins sit just below the measurement.
PINS = {
    "officials": 0.92,
    "countries": 0.97,
    "tariffs": 0.76,
    "tariff_rates": 0.97,
    "dates": 0.94,
    "events": 0.64,
}


@pytest.fixture(scope="module")
def report():
    ex = extractor()
    articles, events = {}, {}
    for outcome in ex.extract(ex.read([str(CORPORA / "dev" / "test")])):
        assert outcome.error is None, outcome.error
        articles[outcome.article_id] = outcome.record.model_dump(mode="json")
        events[outcome.article_id] = [e.model_dump(mode="json") for e in outcome.events]
    return evaluate(load_gold([CORPORA / "dev" / "gold" / "test-t.gold.jsonl"]), articles, events)


@pytest.mark.parametrize("field", sorted(PINS))
def test_eval_gate_f1_at_least_pinned(report, field):
    f1 = report.scores[field].f1
    assert f1 >= PINS[field], f"{field} F1 {f1:.3f} fell below the pinned {PINS[field]:.2f}\n{report.table()}"


def test_eval_gate_every_test_article_has_a_prediction(report):
    assert not report.missing_predictions
    assert report.articles >= 20


def test_eval_gate_higher_confidence_means_higher_precision():
    import sys

    sys.path.insert(0, str(CORPORA.parent / "benchmarks"))
    from confidence import measure

    result = measure([str(CORPORA / "dev" / "test")], [str(CORPORA / "dev" / "gold" / "test-t.gold.jsonl")])
    high, mid = result["at_least"]["0.8"], result["at_least"]["0.5"]
    assert high["n"] >= 20
    assert high["precision"] > mid["precision"]
    assert high["precision"] >= 0.85
