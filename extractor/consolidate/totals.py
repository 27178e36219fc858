"""Rates that sum several measures ("145% in all"): they support no single measure.

Two signals: the article says so (a total cue next to the rate, read in keys.total_cue), or the
rate equals the sum of two or more rates in force that day on the same imposer and targets.
"""
from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, Sequence

from .keys import RATE_TOLERANCE
from .timeline import FORCE, Step, _in_force_step

if TYPE_CHECKING:  # pragma: no cover
    from .link import Measure

MAX_SUMMANDS = 4


def sums_to(rate: float, parts: Sequence[float]) -> bool:
    """Do two or more of `parts` add up to `rate`?"""
    parts = [p for p in parts if p > RATE_TOLERANCE]
    for k in range(2, min(len(parts), MAX_SUMMANDS) + 1):
        for combo in combinations(parts, k):
            if abs(sum(combo) - rate) <= RATE_TOLERANCE * k:
                return True
    return False


def _scopes_overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return not a or not b or bool(set(a) & set(b))


def _parts(measures: Sequence["Measure"], m: "Measure", day: str, exclude: Step | None) -> list[float]:
    """Rates in force on `day` on the same pair, in scopes overlapping m's (leaving out `exclude`)."""
    parts = []
    for other in measures:
        if not _scopes_overlap(m.products, other.products):
            continue
        current = _in_force_step([s for s in other.steps if s is not exclude], day)
        if current is not None and current.rate:
            parts.append(current.rate)
    return parts


def sum_totals(measures: Sequence["Measure"]) -> set[str]:
    """Event ids of unnamed in-force values (steps, or dissent from a step) equal to the sum of
    two or more rates in force that day."""
    found: set[str] = set()
    for m in measures:
        for step in m.steps:
            if step.cls != FORCE:
                continue
            if step.rate and not any(o.row.name for o in step.support):
                if sums_to(step.rate, _parts(measures, m, step.date, step)):
                    found.update(o.row.event_id for o in step.support)
            for o in step.dissent:
                if o.rate and not o.row.name and o.date and sums_to(o.rate, _parts(measures, m, o.date, None)):
                    found.add(o.row.event_id)
    return found
