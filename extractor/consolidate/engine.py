"""Consolidation over a stream of groups, one group in memory at a time.

Groups arrive sorted by (kind, imposer, targets); an imposer's duties on every country (targets
ALL) come first and stay in memory until its last group, because a narrower group's events may
report them (folding, link.py). Its duties on a list of partners ("25% on Canada and Mexico") come
next and stay in memory too: a partner's own measure that tells the same duty takes the list's
events (split_lists, link.py). Everything else is emitted as soon as its group is linked.
"""
from __future__ import annotations

from itertools import groupby
from typing import Iterable, Iterator, Sequence

from ..records import MeasureEventLink, MeasureRecord
from .assemble import measure_links, measure_record, report_links, total_links
from .keys import EventRow
from .link import ListMeasures, Measure, RateDays, foreign_rows, link_group, link_talks

Output = tuple[list[MeasureRecord], list[MeasureEventLink]]


def group_key(row: EventRow) -> tuple:
    """The sort and group key: tariffs by imposer (every-country group first, then lists of
    partners, then one partner, then none: last, as such a row may report any of the imposer's
    measures), then talks by parties."""
    if row.is_talks:
        return (1, "", 2, "|".join(row.parties))
    order = 0 if row.targets == ("ALL",) else 1 if len(row.targets) > 1 else 2 if row.targets else 3
    return (0, row.imposer, order, "|".join(row.targets))


def _emit(measures: Sequence[Measure], totals: Sequence[EventRow] = (), foreign: frozenset | set = frozenset()) -> Output:
    """Records and links; `foreign`: event ids whose one link another measure writes (a list's
    rows that a partner took over but that belong to their first partner)."""
    records, links = [], []
    for m in measures:
        records.append(measure_record(m))
        skip = m.unlinked | foreign
        links.extend(link for link in measure_links(m) if link.event_id not in skip)
    links.extend(link for link in total_links(totals) if link.event_id not in foreign)
    return records, links


def consolidate_groups(groups: Iterable[tuple[tuple, list[EventRow]]]) -> Iterator[Output]:
    """(group key, rows) in group_key order -> measure records and event links, group by group."""
    imposer = None
    context: list[Measure] = []
    gained: dict[str, list[EventRow]] = {}
    lists = ListMeasures()
    told = RateDays()

    def close_imposer() -> Output:
        for m in context:
            if m.measure_id in gained:
                m.rows.extend(gained[m.measure_id])
                m.rebuild()
        return _emit(context + lists.close())

    for key, rows in groups:
        kind, group_imposer, specific, _ = key
        if kind == 1 or group_imposer != imposer:
            yield close_imposer()
            imposer, context, gained, lists, told = group_imposer, [], {}, ListMeasures(), RateDays()
        if kind == 1:
            yield _emit(link_talks(rows))
            continue
        foreign: set[str] = set()
        if specific == 2 and rows[0].targets:
            taken = lists.claim(rows)
            foreign = foreign_rows(taken, rows[0].targets[0])
            rows = rows + taken
        result = link_group(rows, context if specific else ())
        for measure_id, extra in result.folded.items():
            gained.setdefault(measure_id, []).extend(r for r in extra if r.event_id not in foreign)
        if specific == 2:
            told.add(result.measures)
            yield _emit(result.measures, result.totals, foreign)
        elif specific == 3:
            # Rows naming no partner: each that restates the rate of exactly one measure of the
            # imposer on the same goods within a month reports it (that measure is written already:
            # the row links to it without a point); the rest keep a measure of their own.
            told.add(context + lists.surviving())
            homes = [(r, mid) for m in result.measures for r in m.rows if (mid := told.home(r)) is not None]
            reported = {r.event_id for r, _ in homes}
            for m in result.measures:
                if any(r.event_id in reported for r in m.rows):
                    m.rows = [r for r in m.rows if r.event_id not in reported]
                    m.rebuild()
            records, links = _emit([m for m in result.measures if m.rows], result.totals)
            yield records, links + report_links(homes)
        elif specific == 1:
            lists.add(result.measures)
            yield _emit([], result.totals)
        else:
            context = result.measures
            yield _emit([], result.totals)
    yield close_imposer()


def consolidate_rows(rows: Iterable[EventRow]) -> Iterator[Output]:
    """In memory: sort the rows into groups (the same order the out-of-core path gets from DuckDB)."""
    unique = {r.event_id: r for r in sorted(rows, key=lambda r: (r.event_id, r.article_id, r.published or ""))}
    ordered = sorted(unique.values(), key=lambda r: (group_key(r), r.event_id))
    return consolidate_groups((key, list(items)) for key, items in groupby(ordered, key=group_key))
