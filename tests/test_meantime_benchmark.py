import importlib.util
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MEANTIME = SHARED / "data" / "meantime-en"
BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "meantime_dates.py"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("meantime_dates", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not MEANTIME.is_dir(), reason=f"MEANTIME not found at {MEANTIME}; benchmark skipped")
def test_meantime_dates_value_f1_gate():
    result = _load_benchmark().score_meantime(SHARED)
    assert result["documents"] == 120
    assert result["gold"] == 283
    assert result["f1"] >= 0.85, f"MEANTIME value F1 {result['f1']:.3f} < 0.85"
