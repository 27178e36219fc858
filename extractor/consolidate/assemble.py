"""A linked measure -> its contract record (MeasureRecord) and the event links (MeasureEventLink)."""
from __future__ import annotations

from typing import Iterable

from ..records import (
    MeasureCurrent,
    MeasureEventLink,
    MeasurePoint,
    MeasureRecord,
    PointConflict,
)
from .keys import EventRow
from .link import Measure
from .timeline import Observation, Step, noisy_or, per_article_confidence


def _conflicts(dissent: Iterable[Observation]) -> list[PointConflict]:
    by_value: dict[tuple, list[Observation]] = {}
    for o in dissent:
        by_value.setdefault((-1.0 if o.rate is None else round(o.rate, 2), o.row.status), []).append(o)
    out = []
    for (rate, status), obs in sorted(by_value.items()):
        out.append(PointConflict(rate=None if rate < 0 else rate, status=status,
                                 event_ids=sorted({o.row.event_id for o in obs}),
                                 article_ids=sorted({o.row.article_id for o in obs})))
    return out


def _point(step: Step) -> MeasurePoint:
    return MeasurePoint(
        date=step.date, date_basis=step.basis, status=step.status, rate=step.rate,
        event_ids=sorted({o.row.event_id for o in step.support}),
        article_ids=sorted(step.articles()),
        confidence=noisy_or(per_article_confidence(step.support)),
        conflicts=_conflicts(step.dissent),
    )


def measure_record(m: Measure) -> MeasureRecord:
    points = [_point(s) for s in m.steps if s.date]
    published = sorted(r.published for r in m.rows if r.published)
    best: dict[str, float] = {}
    for r in m.rows:
        best[r.article_id] = max(best.get(r.article_id, 0.0), r.confidence)
    last = points[-1] if points else None
    return MeasureRecord(
        measure_id=m.measure_id, type=m.type, imposer=m.imposer, targets=list(m.targets), products=list(m.products),
        parties=list(m.parties), timeline=points,
        current=MeasureCurrent(status=last.status, rate=last.rate, since=last.date) if last else None,
        first_reported=published[0] if published else None, last_reported=published[-1] if published else None,
        event_ids=sorted(r.event_id for r in m.rows), n_articles=len(best), confidence=noisy_or(best), name=m.name,
    )


def measure_links(m: Measure) -> list[MeasureEventLink]:
    role: dict[str, tuple[str, str | None]] = {}
    for s in m.steps:
        for o in s.support:
            role[o.row.event_id] = ("point", s.date)
        for o in s.dissent:
            role.setdefault(o.row.event_id, ("conflict", s.date))
    measure_id = m.measure_id
    linked = ("linked", None)
    return [_link(r.event_id, r.article_id, measure_id, *role.get(r.event_id, linked))
            for r in sorted(m.rows, key=lambda r: r.event_id)]


def report_links(homes: Iterable[tuple[EventRow, str]]) -> list[MeasureEventLink]:
    """Rows that report a measure already written, without a point of its timeline (role `linked`)."""
    return [_link(r.event_id, r.article_id, measure_id, "linked", None) for r, measure_id in sorted(homes, key=lambda h: h[0].event_id)]


def total_links(rows: Iterable[EventRow]) -> list[MeasureEventLink]:
    return [_link(r.event_id, r.article_id, None, "total", None) for r in sorted(rows, key=lambda r: r.event_id)]


_LINK_FIELDS = frozenset(MeasureEventLink.model_fields)
_new_link = MeasureEventLink.__new__
_set = object.__setattr__


def _link(event_id: str, article_id: str, measure_id: str | None, role: str, point_date: str | None) -> MeasureEventLink:
    """One link per event, built without validation: every field comes from a checked row and the
    roles are the four literals above. What model_construct does, less its generic field walk:
    links are one per event, and model_construct was a tenth of consolidation's time."""
    link = _new_link(MeasureEventLink)
    _set(link, "__dict__", {"event_id": event_id, "article_id": article_id, "measure_id": measure_id, "role": role,
                            "point_date": point_date})
    _set(link, "__pydantic_fields_set__", set(_LINK_FIELDS))
    _set(link, "__pydantic_extra__", None)
    _set(link, "__pydantic_private__", None)
    return link
