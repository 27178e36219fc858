"""A measure's events -> its timeline: dated points, the best-supported value, conflicts, confidence.

Every function here depends on the set of rows only (rows are sorted by stable keys first), so the
order in which articles arrive never changes a timeline.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date as _date
from functools import lru_cache
from typing import Iterable, Optional, Sequence

from .keys import NO_POINT_STATUSES, RATE_TOLERANCE, THREAT_STATUSES, EventRow

DAY_TOLERANCE = 3
CONFIDENCE_CAP = 0.99
FORCE, THREAT = "force", "threat"
# When a step's articles use several statuses equally often, the one that says more about the step.
_STATUS_PRIORITY = ("lifted", "paused", "reduced", "raised", "agreed", "in_effect", "announced", "threatened",
                    "signed", "reached", "held", "scheduled", "requested")
_FUTURE_STATUSES = ("announced", "agreed")


@dataclass(frozen=True)
class Observation:
    row: EventRow
    date: Optional[str]
    basis: str  # effective | announced | reported
    cls: str  # force | threat
    rate: Optional[float]
    restatement: bool = False  # the rate a change started from ("cut to 10% from 125%"): not a new step

    @property
    def restates(self) -> bool:
        return self.restatement or self.row.status == "in_effect"


@dataclass
class Step:
    cls: str
    rate: Optional[float]
    support: list[Observation] = field(default_factory=list)
    dissent: list[Observation] = field(default_factory=list)
    date: Optional[str] = None
    basis: str = "reported"
    # The step only announced the rate: a later step says the same rate took effect (see
    # _merge_repeats); its articles' "in effect" dated the act's signing, not its start.
    announcement: bool = False

    def articles(self) -> set[str]:
        return {o.row.article_id for o in self.support}

    def strength(self) -> tuple:
        """More articles, then more confidence, then the earlier first report."""
        first = min((o.row.published or "9999") for o in self.support)
        return (len(self.articles()), round(sum(o.row.confidence for o in self.support), 6), _neg_day(first))

    _status_memo: tuple = field(default=(-1, ""), repr=False, compare=False)

    @property
    def status(self) -> str:
        if self.announcement:
            return "announced"
        # Support only grows (append/extend) and observations never change, so the status counted
        # for a support of this length still holds: steps are asked it often while sorting.
        if self._status_memo[0] == len(self.support):
            return self._status_memo[1]
        counts = Counter("in_effect" if o.restatement else o.row.status for o in self.support)
        top = max(counts.values())
        best = [s for s in counts if counts[s] == top]
        status = min(best, key=lambda s: (_STATUS_PRIORITY.index(s) if s in _STATUS_PRIORITY else len(_STATUS_PRIORITY), s))
        self._status_memo = (len(self.support), status)
        return status


def _neg_day(day: str) -> int:
    return -_ordinal(day)


@lru_cache(maxsize=1 << 16)
def _ordinal(day: Optional[str]) -> int:
    if not day:
        return 10 ** 7
    try:
        return _date.fromisoformat(day[:10]).toordinal() if len(day) >= 10 else _date.fromisoformat(
            (day + "-01-01")[:10] if len(day) == 4 else (day + "-01")[:10]).toordinal()
    except ValueError:
        return 10 ** 7


def _day_before(day: str) -> Optional[str]:
    ordinal = _ordinal(day)
    return _date.fromordinal(ordinal - 1).isoformat() if ordinal < 10 ** 7 else None


def days_apart(a: str, b: str) -> int:
    return abs(_ordinal(a) - _ordinal(b))


def observe(row: EventRow) -> Optional[Observation]:
    """Where and how an event places its step: the effective day the text gives, else the day it
    was announced, else the article's publication day (`reported`)."""
    if row.status in NO_POINT_STATUSES or (row.type == "tariff" and row.rate is None):
        return None
    if row.is_talks:
        basis = "effective" if row.date else "reported"
        return Observation(row, row.day, basis, FORCE, None)
    cls = THREAT if row.status in THREAT_STATUSES else FORCE
    rate = 0.0 if row.status == "lifted" else row.rate
    if not row.date:
        return Observation(row, row.published, "reported", cls, rate)
    future = row.published is not None and row.date > row.published
    if cls == THREAT:  # a threat's own day is the day it was made, not the day it would bite
        return Observation(row, row.published if future else row.date, "announced", cls, rate)
    if row.status in _FUTURE_STATUSES and not future:
        return Observation(row, row.date, "announced", cls, rate)
    return Observation(row, row.date, "effective", cls, rate)


def _chain(obs: Sequence[Observation], gap: int = DAY_TOLERANCE) -> list[list[Observation]]:
    """Observations sorted by day, cut where two neighbours are more than `gap` days apart."""
    ordered = sorted(obs, key=_obs_key)
    groups: list[list[Observation]] = []
    for o in ordered:
        if groups and days_apart(groups[-1][-1].date, o.date) <= gap:
            groups[-1].append(o)
        else:
            groups.append([o])
    return groups


def _obs_key(o: Observation) -> tuple:
    return (_ordinal(o.date), o.date or "", o.row.event_id)


def _modal_day(obs: Sequence[Observation]) -> str:
    """The day most articles give; ties go to the earlier day."""
    counts = Counter()
    for o in obs:
        counts[o.date] += 1
    return min(counts, key=lambda d: (-counts[d], _ordinal(d), d))


def _same_rate(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= RATE_TOLERANCE


def _rate_groups(obs: Iterable[Observation]) -> dict[tuple, list[Observation]]:
    groups: dict[tuple, list[Observation]] = {}
    for o in obs:
        groups.setdefault((o.cls, None if o.rate is None else round(o.rate, 2)), []).append(o)
    return groups


def _dated_steps(cls: str, rate: Optional[float], obs: list[Observation]) -> list[Step]:
    effective = [o for o in obs if o.basis == "effective"]
    announced = [o for o in obs if o.basis == "announced"]
    steps = []
    for chain in _chain(effective):
        steps.append(Step(cls, rate, list(chain), date=_modal_day(chain), basis="effective"))
    loose = []
    for o in sorted(announced, key=_obs_key):
        # An announcement within a few days of the step it announced is the same news and joins it;
        # one days or weeks ahead is a point of its own (status announced: it never applies).
        later = [s for s in steps if s.basis == "effective" and days_apart(s.date, o.date) <= DAY_TOLERANCE]
        if later:
            min(later, key=lambda s: (_ordinal(s.date), s.date)).support.append(o)
        else:
            loose.append(o)
    for chain in _chain(loose):
        steps.append(Step(cls, rate, list(chain), date=_modal_day(chain), basis="announced"))
    return steps


def _settle_same_day(steps: list[Step]) -> list[Step]:
    """Two in-force values for one day (one article misremembers): the best-supported one stays,
    the other becomes its dissent."""
    kept: list[Step] = []
    for step in sorted(steps, key=lambda s: (s.strength(), s.date or "", -(s.rate or 0.0)), reverse=True):
        rival = next((k for k in kept if k.cls == step.cls == FORCE and k.date == step.date
                      and not _same_rate(k.rate, step.rate)), None)
        if rival is not None:
            rival.dissent.extend(step.support)
        else:
            kept.append(step)
    return kept


def _in_force_step(steps: Sequence[Step], day: str) -> Optional[Step]:
    before = [s for s in steps if s.cls == FORCE and s.date and _ordinal(s.date) <= _ordinal(day)]
    return max(before, key=lambda s: (_ordinal(s.date), s.date, s.strength())) if before else None


_CHANGES = {"reduced": min, "raised": max}
# Statuses that look ahead: a restatement of them may precede the step it announces.
_AHEAD = ("announced", "threatened", "agreed")
# A later step with one of these statuses is news even at an unchanged rate (a pause, a deal).
_NEWS = ("paused", "lifted", "agreed", "reduced", "raised")


def _demote_from_rates(obs: list[Observation]) -> list[Observation]:
    """An article reporting a cut (or a rise) on one day with two rates: the other rate is where
    the change started, a restatement of the earlier step, not a step of that day."""
    by_change: dict[tuple, list[Observation]] = {}
    for o in obs:
        if o.row.status in _CHANGES and o.rate is not None:
            by_change.setdefault((o.row.article_id, o.row.status), []).append(o)
    demoted: dict[str, Observation] = {}
    for (_, status), group in by_change.items():
        if len({round(o.rate, 2) for o in group}) < 2:
            continue
        keep = _CHANGES[status](o.rate for o in group)
        # The rate a change started from applied until the change: the day before it (the
        # publication day would put the old rate after the new one).
        change_day = min((o.date for o in group if _same_rate(o.rate, keep) and o.date), key=_ordinal, default=None)
        before = _day_before(change_day) if change_day else None
        for o in group:
            if not _same_rate(o.rate, keep):
                day = before if before and o.row.published and before < o.row.published else o.row.published
                demoted[o.row.event_id] = Observation(o.row, day, "reported", o.cls, o.rate, restatement=True)
    return [demoted.get(o.row.event_id, o) for o in obs]


# How long after a measure's first "in effect" day a text-dated "in effect" day of the same rate is
# read as the real start (signing or announcement to taking effect is days to weeks, rarely more).
START_AFTER_SIGNING_DAYS = 90


def _starts_later(first: Step, step: Step) -> bool:
    """A measure takes effect once. Its first step says "in effect" on one day, and a later step of
    the same rate, dated by its own text, says "in effect" again weeks after: the first day was the
    act's signing or announcement (articles write "imposed" for both), the later one its start."""
    gap = _ordinal(step.date) - _ordinal(first.date)
    return (first.status == "in_effect" and step.status == "in_effect" and step.basis == "effective"
            and first.basis in ("effective", "reported") and DAY_TOLERANCE < gap <= START_AFTER_SIGNING_DAYS)


def _announces(earlier: Step, step: Step) -> bool:
    """Is `earlier` the announcement (dated by its announcing) of `step`, which the text dates as
    taking effect?"""
    return earlier.status in _FUTURE_STATUSES and earlier.basis == "announced" and step.basis == "effective"


def _ahead_of(o: Observation, later_steps: Sequence[Step]) -> bool:
    """An undated announcement (or deal) reported days before the next step of its rate: news of
    its own day, a point apart from the step (a threat still joins the step that carries it out)."""
    return o.row.status in _FUTURE_STATUSES and min(_ordinal(s.date) for s in later_steps) > _ordinal(o.date) + DAY_TOLERANCE


def _merge_repeats(steps: list[Step]) -> list[Step]:
    """A step that repeats the rate of the step before it (nothing changed) joins that step; the
    later date wins only when the earlier step had no date of its own. When the repeated step is
    the measure's first and the later one dates its taking effect (_starts_later), the first
    becomes the announcement and the later one the start."""
    out: list[Step] = []
    last_force: Optional[Step] = None
    forces_seen = 0
    for step in sorted(steps, key=step_order):
        if step.cls != FORCE:
            out.append(step)
            continue
        news = step.status in _NEWS and (last_force is None or step.status != last_force.status)
        if last_force is not None and _announces(last_force, step):
            news = True  # the announcement and the taking effect are two points
        if (last_force is not None and forces_seen == 1 and _same_rate(last_force.rate, step.rate)
                and _starts_later(last_force, step)):
            last_force.announcement, last_force.basis = True, "announced"
            out.append(step)
            last_force = step
            forces_seen += 1
            continue
        if last_force is not None and _same_rate(last_force.rate, step.rate) and not news:
            if last_force.basis == "reported" and step.basis != "reported" and all(o.row.status in _AHEAD for o in last_force.support):
                last_force.date, last_force.basis = step.date, step.basis  # the announcement of this very step
            last_force.support.extend(step.support)
            last_force.dissent.extend(step.dissent)
            continue
        out.append(step)
        last_force = step
        forces_seen += 1
    return sorted(out, key=step_order)


def build_steps(rows: Iterable[EventRow]) -> list[Step]:
    """The timeline of one measure as steps, sorted by day."""
    obs = [o for o in (observe(r) for r in sorted(rows, key=lambda r: r.event_id)) if o is not None]
    obs = _demote_from_rates(obs)
    dated = [o for o in obs if o.basis != "reported" and o.date]
    reported = [o for o in obs if o.basis == "reported" and o.date]
    steps: list[Step] = []
    for (cls, rate), group in sorted(_rate_groups(dated).items(), key=_group_key):
        steps.extend(_dated_steps(cls, rate, group))
    steps = _settle_same_day(steps)
    pending: dict[tuple, list[Observation]] = {}
    by_value: dict[tuple, list[Step]] = {}
    for s in steps:
        if s.date:
            by_value.setdefault((s.cls, None if s.rate is None else round(s.rate, 2)), []).append(s)
    for o in sorted(reported, key=_obs_key):
        same = by_value.get((o.cls, None if o.rate is None else round(o.rate, 2)), [])
        # A restatement supports the step it restates: the latest one from about its day back; an
        # article looking ahead ("will rise to 84%") may also support the next one.
        before = [s for s in same if _ordinal(s.date) <= _ordinal(o.date) + DAY_TOLERANCE]
        after = [s for s in same if _ordinal(s.date) > _ordinal(o.date) + DAY_TOLERANCE]
        if before:
            max(before, key=lambda s: (_ordinal(s.date), s.date)).support.append(o)
        elif after and o.row.status in _AHEAD and not _ahead_of(o, after):
            min(after, key=lambda s: (_ordinal(s.date), s.date)).support.append(o)
        else:
            pending.setdefault((o.cls, None if o.rate is None else round(o.rate, 2)), []).append(o)
    fresh: list[Step] = []
    stating: dict[float, set[str]] = {}
    for o in obs:
        if o.rate is not None:
            stating.setdefault(round(o.rate, 2), set()).add(o.row.article_id)
    for (cls, rate), group in sorted(pending.items(), key=_group_key):
        step = Step(cls, rate, list(group), date=min(o.date for o in group), basis="reported")
        current = _in_force_step(steps, step.date) if cls == FORCE else None
        restates_only = all(o.restates for o in group)
        stated_elsewhere = rate is not None and bool(stating.get(round(rate, 2), set()) - step.articles())
        if (current is not None and restates_only and len(step.articles()) < 2 and not stated_elsewhere
                and not _same_rate(current.rate, rate)):
            current.dissent.extend(group)  # one late article misremembering the rate in force
        else:
            fresh.append(step)
    steps.extend(fresh)
    return _pause_rates(_merge_repeated_threats(_drop_late_threats(_drop_early_lifts(_merge_repeats(steps)))))


def _drop_early_lifts(steps: list[Step]) -> list[Step]:
    """A lift before the measure has any step at all (applied, announced or agreed) lifts nothing:
    a misread ("exemptions were lifted": the duty now applies to all). It becomes dissent of the
    measure's next step, not a point at 0; with no later step it stays. (A withdrawn announcement
    has a step before it and stays.)"""
    ordered = sorted(steps, key=step_order)
    kept: list[Step] = []
    seen = False
    for i, step in enumerate(ordered):
        if step.cls == FORCE and step.status == "lifted" and not seen:
            later = [s for s in ordered[i + 1:] if s.cls == FORCE and s.status != "lifted"]
            if later:
                later[0].dissent.extend(step.support)
                continue
        seen = seen or step.cls == FORCE
        kept.append(step)
    return kept


def _merge_repeated_threats(steps: list[Step]) -> list[Step]:
    """A threat repeated at the same rate, with nothing put in force in between, is the same
    threat retold: it joins the first one (its day is the day the threat was first made)."""
    out: list[Step] = []
    open_threats: dict[float, Step] = {}
    for step in sorted(steps, key=step_order):
        if step.cls == FORCE:
            if step.status not in _FUTURE_STATUSES:
                open_threats.clear()  # something took effect: a later threat is a new one
            out.append(step)
            continue
        key = None if step.rate is None else round(step.rate, 2)
        first = open_threats.get(key)
        if first is not None:
            first.support.extend(step.support)
            first.dissent.extend(step.dissent)
            continue
        open_threats[key] = step
        out.append(step)
    return sorted(out, key=step_order)


def _applies(step: Step) -> bool:
    """Did this step put its rate in force (not a threat, not an announcement dated by its announcing)?"""
    return step.cls == FORCE and bool(step.date) and not (step.status in _FUTURE_STATUSES and step.basis != "effective")


def _pause_rates(steps: list[Step]) -> list[Step]:
    """A pause suspends a rise; the point carries the rate that applies during the pause. Articles
    give the rate that is paused ("the 34% duty is suspended"): when it is above the rate in force
    before the pause, the point takes that rate, and 0 when nothing was in force yet (a measure
    paused before it took effect). A paused rate at or below the one in force is what applies."""
    ordered = sorted(steps, key=step_order)
    for i, step in enumerate(ordered):
        if step.cls != FORCE or step.status != "paused" or step.rate is None:
            continue
        prior = [s for s in ordered[:i] if _applies(s) and s.rate is not None and s.status != "paused"
                 and _ordinal(s.date) < _ordinal(step.date)]
        in_force = prior[-1].rate if prior else 0.0
        if step.rate > in_force + RATE_TOLERANCE:
            step.rate = in_force
    return ordered


def _drop_late_threats(steps: list[Step]) -> list[Step]:
    """A "threat" of a rate the measure already applies is a misread restatement: it becomes
    dissent of the step in force, not a point (a threat carried out later stays: it comes first)."""
    kept = []
    for step in steps:
        if step.cls == THREAT and step.rate:
            applied = [s for s in steps if s.cls == FORCE and _same_rate(s.rate, step.rate) and s.date
                       and _ordinal(s.date) <= _ordinal(step.date)]
            if applied:
                max(applied, key=lambda s: (_ordinal(s.date), s.date)).dissent.extend(step.support)
                continue
        kept.append(step)
    return kept


def _group_key(item) -> tuple:
    (cls, rate), _ = item
    return (cls, -1.0 if rate is None else rate)


def step_order(s: Step) -> tuple:
    return (_ordinal(s.date), s.date or "", 0 if s.cls == FORCE else 1, -1.0 if s.rate is None else s.rate, s.status)


def noisy_or(confidences_by_article: dict[str, float]) -> float:
    """Independent articles agreeing: 1 - prod(1 - c), capped below 1 (redundancy is a signal)."""
    miss = 1.0
    for c in confidences_by_article.values():
        miss *= 1.0 - min(max(c, 0.0), 1.0)
    return round(min(1.0 - miss, CONFIDENCE_CAP), 4)


def per_article_confidence(obs: Iterable[Observation]) -> dict[str, float]:
    best: dict[str, float] = {}
    for o in obs:
        best[o.row.article_id] = max(best.get(o.row.article_id, 0.0), o.row.confidence)
    return best


def talks_steps(rows: Iterable[EventRow]) -> list[Step]:
    """A negotiation track: one point per status and run of days (articles within 3 days agree)."""
    obs = [o for o in (observe(r) for r in sorted(rows, key=lambda r: r.event_id)) if o is not None and o.date]
    by_status: dict[str, list[Observation]] = {}
    for o in obs:
        by_status.setdefault(o.row.status, []).append(o)
    steps = []
    for status in sorted(by_status):
        group = by_status[status]
        dated = [o for o in group if o.basis == "effective"]
        chains = _chain(dated) if dated else []
        for chain in chains:
            steps.append(Step(FORCE, None, list(chain), date=_modal_day(chain), basis="effective"))
        for o in sorted((o for o in group if o.basis == "reported"), key=_obs_key):
            near = [s for s in steps if s.status == status and days_apart(s.date, o.date) <= DAY_TOLERANCE]
            if near:
                min(near, key=lambda s: (days_apart(s.date, o.date), s.date)).support.append(o)
            else:
                steps.append(Step(FORCE, None, [o], date=o.date, basis="reported"))
    return sorted(steps, key=step_order)

