"""Rates that sum several measures ("145% in all"): they support no single measure.

Two signals: the article says so (a total cue next to the rate, read in keys.total_cue), or the
rate equals the sum of two or more rates in force that day on the same imposer and targets.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from .keys import RATE_TOLERANCE
from .timeline import FORCE, Step, _in_force_step, _ordinal

if TYPE_CHECKING:  # pragma: no cover
    from .link import Measure

MAX_SUMMANDS = 4
SOON_DAYS = 10


def sums_to(rate: float, options: Sequence[Sequence[float]]) -> bool:
    """Do rates of two or more measures (at most one from each measure's options) add up to `rate`?"""
    groups = [sorted({round(r, 2) for r in opts if r > RATE_TOLERANCE}) for opts in options]
    groups = [g for g in groups if g]

    def search(i: int, total: float, used: int) -> bool:
        if used >= 2 and abs(total - rate) <= RATE_TOLERANCE * used:
            return True
        if i == len(groups) or used == MAX_SUMMANDS or total > rate + RATE_TOLERANCE:
            return False
        return any(search(i + 1, total + r, used + 1) for r in groups[i]) or search(i + 1, total, used)

    return search(0, 0.0, 0)


def _scopes_overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return not a or not b or bool(set(a) & set(b))


def _parts(measures: Sequence["Measure"], m: "Measure", day: str, exclude: Step | None) -> list[list[float]]:
    """Per measure of the pair (scopes overlapping m's): the rate in force on `day` and the rates of
    steps due within SOON_DAYS (an article sums what is about to apply), leaving out `exclude`."""
    options = []
    for other in measures:
        # A measure of an earlier chapter of the pair (an era: consolidation's cut after a year
        # out of the news) is not summed into a later chapter's totals: articles of the new chapter
        # add up its own duties (10% + 10% = 20% with a 2018 duty would make a 2025 rise a total).
        if not _scopes_overlap(m.products, other.products) or other.era != m.era:
            continue
        rest = [s for s in other.steps if s is not exclude and s.cls == FORCE]
        rates = []
        current = _in_force_step(rest, day)
        if current is not None and current.rate:
            rates.append(current.rate)
        rates += [s.rate for s in rest if s.rate and s.date and 0 < _ordinal(s.date) - _ordinal(day) <= SOON_DAYS]
        options.append(rates)
    return options


def sum_totals(measures: Sequence["Measure"]) -> set[str]:
    """Event ids of unnamed in-force values (steps not dated as taking effect, or dissent from a
    step) equal to the sum of two or more rates in force that day."""
    found: set[str] = set()
    for m in measures:
        for step in m.steps:
            # A step the articles date as taking effect is a change of this measure, not a sum
            # that happens to match (10% + 10% = a 20% rise); a dated total has a cue (keys.py).
            if step.rate and step.basis != "effective" and not any(o.row.name for o in step.support):
                if sums_to(step.rate, _parts(measures, m, step.date, step)):
                    found.update(o.row.event_id for o in step.support)
            for o in step.dissent:
                if o.rate and not o.row.name and o.date and sums_to(o.rate, _parts(measures, m, o.date, None)):
                    found.add(o.row.event_id)
    return found
