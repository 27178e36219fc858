import pytest

from tests.pipeline_support import MEANTIME, SHARED, benchmark_module


@pytest.mark.skipif(not MEANTIME.is_dir(), reason=f"MEANTIME not found at {MEANTIME}; benchmark skipped")
def test_meantime_dates_value_f1_gate():
    result = benchmark_module("meantime_dates").score_meantime(SHARED)
    assert result["documents"] == 120
    assert result["gold"] == 283
    assert result["f1"] >= 0.85, f"MEANTIME value F1 {result['f1']:.3f} < 0.85"
