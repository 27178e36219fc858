"""Events -> measures: blocking by imposer, targets and product scope, then names, rates and days.

A group is every tariff event of one imposer and target set (or one set of talks parties). Within
a group:

1. rates the article calls a sum ("145% in all") are totals and link to no measure;
2. each product scope is a block; in a block, events that name their measure ("fentanyl",
   "reciprocal") form one measure per name, and an unnamed event joins the named measure that
   reports its rate nearest in time (else the best-supported one); a block with no name is one measure;
3. an event of a narrower scope (steel alone; one country) that restates a rate of a broader,
   better-supported measure (steel and aluminum; every country) reports that measure and moves to it;
4. an unnamed step whose rate is the sum of rates in force that day is a total too (totals.py).

Everything is decided from the set of rows sorted by stable keys, so arrival order never matters.
"""
from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional, Sequence

from .keys import NO_POINT_STATUSES, EventRow
from .timeline import DAY_TOLERANCE, Step, _ordinal, build_steps, days_apart, talks_steps
from .totals import sum_totals

# Statuses of a rate change, whose event may carry the rate it started from (previous_rate).
CHANGE_STATUSES = ("raised", "reduced")

ACTIVITY_DAYS = 7
ALIAS_DAYS = 31  # two names stating one rate within a month may be one measure (see _merge_aliases)
ERA_GAP_DAYS = 365  # a pair silent for a year and back in the news: a new legal action, a new measure


@lru_cache(maxsize=1 << 14)
def _hash_identity(identity: tuple) -> str:
    return hashlib.sha1(repr(identity).encode("utf-8")).hexdigest()[:24]


@dataclass
class Measure:
    type: str  # tariff | talks
    imposer: Optional[str]
    targets: tuple[str, ...]
    products: tuple[str, ...]
    parties: tuple[str, ...]
    name: Optional[str]
    rows: list[EventRow] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    era: str = ""  # the first day of a later era of the same scope ("" for the first)
    # A list measure some partners took over (ListMeasures) keeps the id of its full list.
    identity_targets: tuple[str, ...] = ()
    unlinked: frozenset = frozenset()  # event ids whose link another measure writes (ListMeasures)

    @property
    def identity(self) -> tuple:
        base = (self.type, self.imposer or "", self.identity_targets or self.targets, self.products,
                self.parties if self.type == "talks" else (), self.name or "")
        return base + (self.era,) if self.era else base

    @property
    def measure_id(self) -> str:
        return _hash_identity(self.identity)

    def articles(self) -> set[str]:
        return {r.article_id for r in self.rows}

    def rebuild(self) -> "Measure":
        self.rows.sort(key=lambda r: r.event_id)
        self.steps = talks_steps(self.rows) if self.type == "talks" else build_steps(self.rows)
        return self

    def rates(self) -> set[float]:
        return {round(s.rate, 2) for s in self.steps if s.rate is not None}


@dataclass
class GroupResult:
    measures: list[Measure]
    totals: list[EventRow]
    folded: dict[str, list[EventRow]]  # measure_id of a broader measure outside the group -> rows it gains


def _new_measure(rows: Sequence[EventRow], name: Optional[str]) -> Measure:
    # A partner's group may hold rows of a list it took over (ListMeasures): its own rows, with the
    # fewest targets, give the measure's targets.
    first = min(rows, key=lambda r: (len(r.targets), r.event_id))
    parties = tuple(sorted({p for r in rows for p in r.parties} | {first.imposer} | set(first.targets) - {"ALL", ""}))
    return Measure("tariff", first.imposer or None, first.targets, first.products, parties, name, list(rows))


class RateIndex:
    """Days on which rows state each rate, and days of any activity, for nearest-day lookups."""

    def __init__(self, rows: Iterable[EventRow]):
        by_rate: dict[float, list[int]] = {}
        days = []
        rows = list(rows)
        self.support = len({r.article_id for r in rows})
        for r in rows:
            if not r.day:
                continue
            day = _ordinal(r.day)
            days.append(day)
            if r.rate is not None:
                by_rate.setdefault(round(r.rate, 2), []).append(day)
        self.by_rate = {rate: sorted(v) for rate, v in by_rate.items()}
        self.days = sorted(days)

    @staticmethod
    def _nearest(days: list[int], day: int) -> Optional[int]:
        if not days:
            return None
        i = bisect_left(days, day)
        return min(abs(days[j] - day) for j in (i - 1, i) if 0 <= j < len(days))

    def rate_distance(self, row: EventRow) -> Optional[int]:
        """Days from the row to the nearest row stating the same rate (None: no such rate)."""
        if row.rate is None or not row.day:
            return None
        return self._nearest(self.by_rate.get(round(row.rate, 2), []), _ordinal(row.day))

    def change_distance(self, row: EventRow) -> Optional[int]:
        """A rise or cut "to X% from Y%": days from the row back to the nearest row stating Y, the
        rate it started from (None: no change, or Y never stated before it). The rate a change
        starts from names the measure it changes, whatever scope the sentence gives it."""
        if row.status not in CHANGE_STATUSES or row.previous_rate is None or not row.day:
            return None
        day = _ordinal(row.day)
        days = self.by_rate.get(round(row.previous_rate, 2), [])  # sorted
        i = bisect_right(days, day)  # the last day <= the row's, by bisection (a scan per row grew as the square)
        return day - days[i - 1] if i else None

    def activity_distance(self, row: EventRow) -> Optional[int]:
        return self._nearest(self.days, _ordinal(row.day)) if row.day else None


def link_block(rows: Sequence[EventRow]) -> list[Measure]:
    """One product scope of one imposer and target set -> its measures (before folding and totals)."""
    rows = _names_from_changes(sorted(rows, key=lambda r: r.event_id))
    by_name: dict[str, list[EventRow]] = {}
    unnamed = []
    for r in rows:
        (by_name.setdefault(r.name, []) if r.name else unnamed).append(r)
    if not by_name:
        return [_new_measure(rows, None).rebuild()] if rows else []
    by_name = _merge_aliases(by_name)
    named = [_new_measure(by_name[n], n) for n in sorted(by_name)]
    homeless = []
    # Homes are chosen from the named rows alone, so that no unnamed row depends on another.
    # A ruled-out tariff never applied: it names a measure but anchors no rate.
    anchors = [(m, RateIndex(r for r in m.rows if r.status not in NO_POINT_STATUSES)) for m in named]
    for r in unnamed:
        home = _best_home(anchors, r)
        (home.rows if home is not None else homeless).append(r)
    measures = named + ([_new_measure(homeless, None)] if homeless else [])
    return [m.rebuild() for m in measures]


def _names_from_changes(rows: list[EventRow]) -> list[EventRow]:
    """A rise or cut "to X% from Y%" belongs to the measure that stated Y before it. When no row of
    its name ever stated Y by then but unnamed rows did, the name cue was another measure's (a
    counter-measure named in the same sentence): the row goes unnamed and follows its rates."""
    # (name, rate) -> the first day it was stated: "stated by then" needs only the earliest (a list
    # of days scanned per change row grew with the square of a block's rows on a large archive).
    first_stated: dict[tuple[Optional[str], float], int] = {}
    for r in rows:
        if r.rate is not None and r.day:
            key, day = (r.name, round(r.rate, 2)), _ordinal(r.day)
            if day < first_stated.get(key, day + 1):
                first_stated[key] = day

    def stated_before(name: Optional[str], row: EventRow) -> bool:
        first = first_stated.get((name, round(row.previous_rate, 2)))
        return first is not None and first <= _ordinal(row.day)

    out = []
    for r in rows:
        if (r.name and r.status in CHANGE_STATUSES and r.previous_rate is not None and r.day
                and not stated_before(r.name, r) and stated_before(None, r)):
            r = r._replace(name=None)
        out.append(r)
    return out


def _merge_aliases(by_name: dict[str, list[EventRow]]) -> dict[str, list[EventRow]]:
    """Two names that state the same rate within ALIAS_DAYS of each other, and that no
    article gives side by side with different rates, are one measure under two names (China's
    "retaliatory" and "reciprocal" duty); measures in force together (20% fentanyl and 125%
    reciprocal) are reported together, and stay apart. The name with more articles stays (ties:
    alphabetical)."""
    names = sorted(by_name, key=lambda n: (-len({r.article_id for r in by_name[n]}), n))
    if len(names) < 2:
        return by_name
    rates: dict[tuple[str, str], set[float]] = {}
    for n in names:
        for r in by_name[n]:
            if r.rate is not None:
                rates.setdefault((n, r.article_id), set()).add(round(r.rate, 2))

    indexes = {n: RateIndex(by_name[n]) for n in names}

    def together(a: str, b: str) -> bool:
        articles = {aid for (n, aid) in rates if n == a} & {aid for (n, aid) in rates if n == b}
        return any(rates[(a, aid)] != rates[(b, aid)] for aid in articles)

    def echo(a: str, b: str) -> bool:
        return any((d := indexes[a].rate_distance(r)) is not None and d <= ALIAS_DAYS for r in by_name[b])

    merged: dict[str, list[EventRow]] = {}
    for n in names:
        home = next((m for m in merged
                     if any(echo(k, n) for k in _members(merged, m, by_name))
                     and not any(together(k, n) for k in _members(merged, m, by_name))), None)
        if home is None:
            merged[n] = list(by_name[n])
        else:
            merged[home].extend(by_name[n])
    return merged


def _members(merged: dict[str, list[EventRow]], head: str, by_name: dict[str, list[EventRow]]) -> list[str]:
    names = {r.name for r in merged[head] if r.name}
    return sorted(n for n in names if n in by_name)


def _best_home(anchors: Sequence[tuple[Measure, RateIndex]], row: EventRow) -> Optional[Measure]:
    """The named measure an unnamed row reports: the one stating its rate nearest in time, else the
    one active within ACTIVITY_DAYS of it (a new step of a measure in the news); else none."""
    scored = [(d, i) for i, (_, index) in enumerate(anchors) if (d := index.rate_distance(row)) is not None]
    if not scored:
        scored = [(d, i) for i, (_, index) in enumerate(anchors)
                  if (d := index.activity_distance(row)) is not None and d <= ACTIVITY_DAYS]
    # anchors come sorted by name; RateIndex.support is the measure's article count
    return anchors[min(scored, key=lambda di: (di[0], -anchors[di[1]][1].support, di[1]))[1]][0] if scored else None


def _broader(narrow: Measure, broad: Measure, *, across_targets: bool) -> bool:
    if broad is narrow or broad.identity == narrow.identity:
        return False
    if narrow.name and broad.name and narrow.name != broad.name:
        return False
    if across_targets:  # a duty on every country, reported for one of them
        if not narrow.products:
            return bool(narrow.name) and narrow.name == broad.name and not broad.products
        return set(narrow.products) <= set(broad.products)
    return bool(narrow.products) and set(narrow.products) < set(broad.products)


def _eligible(home: Measure, candidates: Iterable[tuple[Measure, RateIndex]], across_targets: bool
              ) -> list[tuple[Measure, RateIndex]]:
    """The measures rows of `home` may report instead: broader ones at least as well supported
    (steel alone -> steel and aluminum), and, in the same group, narrower ones better supported
    than `home` (a sentence that ran two scopes together: steel, aluminum and cars -> steel and
    aluminum, when that measure is the better attested)."""
    # Events that name no partner at all (targets []) have no measure of their own to stand for:
    # any every-country measure of their scope may take them, however few its articles.
    support = 1 if across_targets and not home.targets else len(home.articles())
    out = [(m, index) for m, index in candidates
           if _broader(home, m, across_targets=across_targets) and index.support >= support]
    if not across_targets:
        out += [(m, index) for m, index in candidates
                if _broader(m, home, across_targets=False) and index.support > support]
    return out


def _scoped_for(home: Measure, candidates: Sequence[tuple[Measure, RateIndex]]) -> list[tuple[Measure, RateIndex]]:
    """A measure whose rows name no goods (extraction found none near the rate) may be a goods
    measure of the same partners told without its goods ("the 50% rate"): its rows may report the
    one better-attested goods measure that states their rate (_fold_target). Several goods
    measures, or none better attested: it stays."""
    support = len(home.articles())
    out = [(m, index) for m, index in candidates if not home.name or m.name in (None, home.name)]
    out = [(m, index) for m, index in out if index.support > support]
    return out if len(out) == 1 else []


def _fold_target(row: EventRow, candidates: Iterable[tuple[Measure, RateIndex]]) -> Optional[Measure]:
    """The broader, better-supported measure that states this row's rate within a year, if any.
    A row naming no partner (a sector duty reported without "on all countries") reports the
    every-country measure of its goods in the news within a year, whatever its rate (a new step)."""
    best = None
    for m, index in candidates:
        if row.name and m.name and row.name != m.name:
            continue
        distance = index.rate_distance(row)
        if distance is None:
            distance = index.change_distance(row)
        if distance is None and not row.targets and row.products and m.targets == ("ALL",):
            distance = index.activity_distance(row)
        if distance is None or distance > ERA_GAP_DAYS:
            continue
        key = (-index.support, m.measure_id)
        if best is None or key < best[0]:
            best = (key, m)
    return best[1] if best else None


def link_group(rows: Sequence[EventRow], context: Sequence[Measure] = ()) -> GroupResult:
    """Tariff rows of one imposer and target set -> measures. `context`: the imposer's measures on
    every country (targets ALL), built from their own rows, that a narrower row may report."""
    rows = sorted(rows, key=lambda r: r.event_id)
    totals = [r for r in rows if r.total_cue]
    measures = []
    for era, era_rows in split_eras([r for r in rows if not r.total_cue]):
        blocks: dict[tuple, list[EventRow]] = {}
        for r in era_rows:
            blocks.setdefault(r.products, []).append(r)
        for key in sorted(blocks):
            for m in link_block(blocks[key]):
                m.era = era
                measures.append(m)
    folded: dict[str, list[EventRow]] = {}
    moves: list[tuple[EventRow, Measure, Measure]] = []
    inside = [(m, RateIndex(m.rows)) for m in measures if m.products]
    around = [(m, RateIndex(m.rows)) for m in context]
    for home in measures:
        inner = _eligible(home, inside, across_targets=False) if home.products else _scoped_for(home, inside)
        # The rows of a narrower measure that another home takes in stay where they are: no chains.
        outer = _eligible(home, around, across_targets=True)
        if not inner and not outer:
            continue
        for r in home.rows:
            target = _fold_target(r, inner) or _fold_target(r, outer)
            if target is not None:
                moves.append((r, home, target))
    moved = {r.event_id for r, _, _ in moves}
    changed = {id(home) for _, home, _ in moves}
    for home in measures:
        if id(home) in changed:
            home.rows = [r for r in home.rows if r.event_id not in moved]
    for r, home, target in moves:
        if any(target is m for m in measures):
            target.rows.append(r)
            changed.add(id(target))
        else:
            folded.setdefault(target.measure_id, []).append(r)
    measures = [m.rebuild() if id(m) in changed else m for m in measures if m.rows]
    summed = sum_totals(measures)
    if summed:
        for m in measures:
            if any(r.event_id in summed for r in m.rows):
                totals.extend(r for r in m.rows if r.event_id in summed)
                m.rows = [r for r in m.rows if r.event_id not in summed]
                m.rebuild()
        measures = [m for m in measures if m.rows]
    return GroupResult(sorted(measures, key=lambda m: m.measure_id), sorted(totals, key=lambda r: r.event_id), folded)


def _tells_list(row: EventRow, measure: Measure, index: "RateIndex") -> bool:
    """Does a partner's own row tell the list measure's duty: same goods, no other name, and the
    list's rate stated within ALIAS_DAYS of the row?"""
    if row.products != measure.products or (row.name and measure.name and row.name != measure.name):
        return False
    distance = index.rate_distance(row)
    return distance is not None and distance <= ALIAS_DAYS


class ListMeasures:
    """An imposer's measures on a list of partners ("25% on Canada and Mexico"), held until its
    last group. Official acts usually go partner by partner, and articles tell them both ways: when
    a partner's own rows tell a list measure's duty (same goods and name, the same rate within a
    month), the partner's measure takes all of the list's rows (claim), so that the partner has
    one measure, not a list measure beside its own. A row of a list links to one measure (its
    first partner's when that partner claimed it, else the list's); its points count in every
    partner measure that took it. Partners that claimed nothing keep the list measure, on
    themselves only, under the list's id (close). A list no partner tells alone stays as it is."""

    def __init__(self) -> None:
        self.measures: list[tuple[Measure, RateIndex]] = []
        self.claimed: dict[int, set[str]] = {}

    def add(self, measures: Sequence[Measure]) -> None:
        self.measures.extend((m, RateIndex(r for r in m.rows if r.status not in NO_POINT_STATUSES)) for m in measures)

    def claim(self, rows: Sequence[EventRow]) -> list[EventRow]:
        """Rows of one partner's group -> the rows of the list measures that partner takes over."""
        partner = rows[0].targets[0]
        taken: list[EventRow] = []
        for i, (m, index) in enumerate(self.measures):
            if partner in m.targets and any(_tells_list(r, m, index) for r in rows):
                self.claimed.setdefault(i, set()).add(partner)
                taken.extend(m.rows)
        return taken

    def surviving(self) -> list[Measure]:
        """The list measures that close() will write under their own id (some partner kept them)."""
        return [m for i, (m, _) in enumerate(self.measures) if set(m.targets) - self.claimed.get(i, set())]

    def close(self) -> list[Measure]:
        out = []
        for i, (m, _) in enumerate(self.measures):
            claimers = self.claimed.get(i, set())
            if not claimers:
                out.append(m)
                continue
            rest = tuple(t for t in m.targets if t not in claimers)
            if not rest:
                continue
            primary_claimed = {r.event_id for r in m.rows if r.targets and r.targets[0] in claimers}
            kept = Measure(m.type, m.imposer, rest, m.products, tuple(sorted({m.imposer or "", *rest} - {""})), m.name,
                           list(m.rows), era=m.era, identity_targets=m.targets).rebuild()
            kept.unlinked = frozenset(primary_claimed)
            out.append(kept)
        return out


class RateDays:
    """An imposer's written measures by (goods, rate): the days each states the rate. What a row
    naming no partner needs to find the one measure it restates (home). Held for the imposer's
    whole stream: a set per (goods, rate), so that it grows with the distinct days a measure states
    a rate on, not with the articles retelling it."""

    def __init__(self) -> None:
        self.days: dict[tuple, set[tuple[int, str, str]]] = {}

    def add(self, measures: Iterable[Measure]) -> None:
        for m in measures:
            if m.type != "tariff" or not m.targets:
                continue
            for r in m.rows:
                if r.rate is not None and r.day and r.status not in NO_POINT_STATUSES:
                    self.days.setdefault((m.products, round(r.rate, 2)), set()).add((_ordinal(r.day), m.name or "", m.measure_id))

    def home(self, row: EventRow) -> Optional[str]:
        """The measure_id of the one measure of the row's goods (and name, when both have one) that
        stated its rate in the ALIAS_DAYS before it (a restatement follows what it restates; 3 days'
        slack for dates); None when none did, or several did (ambiguous)."""
        if row.rate is None or not row.day:
            return None
        day = _ordinal(row.day)
        found = {mid for d, name, mid in self.days.get((row.products, round(row.rate, 2)), ())
                 if -DAY_TOLERANCE <= day - d <= ALIAS_DAYS and not (row.name and name and row.name != name)}
        return found.pop() if len(found) == 1 else None


def foreign_rows(rows: Iterable[EventRow], partner: str) -> set[str]:
    """Event ids of a list's rows that a partner took over but that link to their first partner."""
    return {r.event_id for r in rows if len(r.targets) > 1 and r.targets[0] != partner}


def split_eras(rows: Sequence[EventRow]) -> list[tuple[str, list[EventRow]]]:
    """Rows cut where the pair was out of the news for more than ERA_GAP_DAYS; each era after the
    first is tagged with its first day (part of its measures' identity)."""
    dated = sorted(rows, key=lambda r: (r.day or "", r.event_id))
    eras: list[list[EventRow]] = []
    last = None
    for r in dated:
        if eras and (r.day is None or last is None or days_apart(last, r.day) <= ERA_GAP_DAYS):
            eras[-1].append(r)
        else:
            eras.append([r])
        last = r.day or last
    return [("" if i == 0 else (era[0].day or ""), era) for i, era in enumerate(eras)]


def link_talks(rows: Sequence[EventRow]) -> list[Measure]:
    """Negotiation and agreement events of one set of parties: one talks track per era (parties
    out of the news together for over a year, then talking again, open a new track, as a pair's
    tariffs open a new measure)."""
    tracks = []
    for era, era_rows in split_eras(rows):
        era_rows = sorted(era_rows, key=lambda r: r.event_id)
        tracks.append(Measure("talks", None, (), (), era_rows[0].parties, None, era_rows, era=era).rebuild())
    return tracks
