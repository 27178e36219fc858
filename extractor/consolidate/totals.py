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


def sum_totals(measures: Sequence["Measure"]) -> set[str]:
    """Event ids of unnamed in-force steps whose rate is the sum of other steps in force that day."""
    found: set[str] = set()
    for m in measures:
        for step in m.steps:
            if step.cls != FORCE or not step.rate or any(o.row.name for o in step.support):
                continue
            parts = []
            for other in measures:
                if not _scopes_overlap(m.products, other.products):
                    continue
                rest = [s for s in other.steps if s is not step]
                current = _in_force_step(rest, step.date)
                if current is not None and current.rate:
                    parts.append(current.rate)
            if sums_to(step.rate, parts):
                found.update(o.row.event_id for o in step.support)
    return found


def is_total_step(step: Step, parts: Sequence[float]) -> bool:
    return step.rate is not None and sums_to(step.rate, parts)
