"""Consolidation is a function of the set of events: shuffling the articles or splitting the
archive into runs never changes measures.jsonl (byte for byte)."""
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.consolidate import consolidate_events, consolidate_outdirs

from .support import PUBLISHED, STORY, event, write_run

EXTRA = [
    event("a3", "steel and aluminum duties of 25%", 25.0, targets=["ALL"], products=["steel", "aluminium"], date="2025-03-12"),
    event("a6", "the steel tariff doubled to 50%", 50.0, targets=["ALL"], products=["steel"], status="raised", date="2025-06-04"),
    event("a7", "Canadian steel pays 50%", 50.0, targets=["CAN"], products=["steel"]),
    event("a8", "Canada retaliated with 25% counter-tariffs", 25.0, imposer="CAN", targets=["USA"], date="2025-03-04"),
    # a duty on a list of partners that one partner's own rows tell, and rows naming no partner
    event("a2", "a 25% duty on Canada and Mexico took effect", 25.0, targets=["CAN", "MEX"], date="2025-03-04"),
    event("a9", "Canadian goods pay the 25% duty since March 4", 25.0, targets=["CAN"], date="2025-03-04"),
    event("a4", "the 25% duty stays", 25.0, targets=[]),
    event("a5", "the 18% duty on goods was unchanged", 18.0, targets=[]),
    event("a8", "the 10% duty is unchanged", 10.0, targets=[]),
]
EVENTS = STORY + EXTRA


def _consolidated(tmp: Path, runs: list[list[dict]]) -> bytes:
    dirs = [write_run(tmp / f"run{i}", run) for i, run in enumerate(runs)]
    consolidate_outdirs(dirs, tmp / "out")
    return (tmp / "out" / "measures.jsonl").read_bytes()


REFERENCE: dict = {}


def _reference() -> bytes:
    if "bytes" not in REFERENCE:
        with tempfile.TemporaryDirectory() as tmp:
            REFERENCE["bytes"] = _consolidated(Path(tmp), [EVENTS])
    return REFERENCE["bytes"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=st.permutations(range(len(EVENTS))), cuts=st.lists(st.integers(0, len(EVENTS)), max_size=3),
       repeat=st.integers(0, 3))
def test_order_shuffled_and_split_runs_give_identical_measures(order, cuts, repeat):
    shuffled = [EVENTS[i] for i in order]
    bounds = sorted(set(cuts) | {0, len(shuffled)})
    runs = [shuffled[a:b] for a, b in zip(bounds, bounds[1:])]
    runs.append(shuffled[:repeat])  # a folder processed twice: the same events again
    with tempfile.TemporaryDirectory() as tmp:
        assert _consolidated(Path(tmp), runs) == _reference()


def test_order_in_memory_equals_out_of_core(tmp_path):
    measures, _ = consolidate_events(EVENTS, PUBLISHED)
    lines = "".join(m.model_dump_json() + "\n" for m in measures).encode()
    assert lines == _consolidated(tmp_path, [EVENTS])


def test_order_measure_ids_do_not_depend_on_other_measures(tmp_path):
    alone = {m.measure_id for m in consolidate_events(STORY, PUBLISHED)[0]}
    together = {m.measure_id for m in consolidate_events(EVENTS, PUBLISHED)[0]}
    assert alone <= together


def test_order_rerun_is_idempotent(tmp_path):
    run = write_run(tmp_path / "run", EVENTS)
    consolidate_outdirs([run], run)
    first = (run / "measures.jsonl").read_bytes(), (run / "measure_events.jsonl").read_bytes()
    consolidate_outdirs([run], run)
    assert ((run / "measures.jsonl").read_bytes(), (run / "measure_events.jsonl").read_bytes()) == first
