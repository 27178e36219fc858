"""What was in force on a day: answered from measures.jsonl records (dicts or MeasureRecord dumps)."""
from __future__ import annotations

from bisect import bisect_right
from datetime import date as _date, timedelta
from typing import Iterable, Optional

from .keys import normalize_product
from .link import ERA_GAP_DAYS  # a pair out of the news this long and back in it: a new chapter
from .timeline import DAY_TOLERANCE  # days of slack between two articles' days for one act

NEVER_IN_FORCE = ("threatened", "ruled_out")
PENDING = ("announced", "agreed")


def applies(point: dict) -> bool:
    """Can this point put a rate in force? Threats never; an announcement or a deal only from the
    day the text says it takes effect."""
    if point["status"] in NEVER_IN_FORCE:
        return False
    return point["status"] not in PENDING or point.get("date_basis") == "effective"


def in_force(measure: dict, day: str) -> Optional[dict]:
    """The point that applies on `day` (the latest applicable point on or before it), or None."""
    best = None
    for point in measure.get("timeline", []):
        if not applies(point) or point["date"] > day:
            continue
        if best is None or point["date"] >= best["date"]:
            best = point
    return best


def matches(measure: dict, imposer: Optional[str], target: Optional[str], product: Optional[str]) -> bool:
    if measure.get("type") != "tariff":
        return False
    if imposer and (measure.get("imposer") or "").upper() != imposer.upper():
        return False
    targets = measure.get("targets") or []
    if target and targets != ["ALL"] and target.upper() not in targets:
        return False
    products = measure.get("products") or []
    if product and products and normalize_product(product) not in products:
        return False
    return True


# A point in force answers only when it is this well attested (noisy-OR over its articles: one
# very confident article, or two fair ones). Chosen on the training storylines: 5 of 35 questions
# right with every point, 18 - 19 with 0.85 - 0.95; lone misreadings are what it leaves out.
MIN_CONFIDENCE = 0.9


def asof(measures: Iterable[dict], day: str, *, imposer: Optional[str] = None, target: Optional[str] = None,
         product: Optional[str] = None, min_confidence: float = MIN_CONFIDENCE) -> list[dict]:
    """The measures that match the filters and have a point in force on `day` attested at least
    `min_confidence`, with its rate (a lifted measure reports 0), sorted by imposer, targets,
    products and id."""
    found = []
    measures = list(measures)
    chapters = _chapter_starts(measures)
    matching = []
    for m in measures:
        if not matches(m, imposer, target, product) or _outdated(m, chapters, day):
            continue
        matching.append(m)
        point = in_force(m, day)
        if point is not None:
            found.append((m, point))
    if target:
        confident = [(m, p) for m, p in found if p.get("confidence", 1.0) >= min_confidence]
        found = [(m, p) for m, p in found if not _replaced(m, found, confident)]
    # Weak points still replace an every-country duty above (a country's own version exists), but
    # are not reported themselves.
    found = [(m, p) for m, p in found if p.get("confidence", 1.0) >= min_confidence]
    found = _without_retellings(found)
    # A measure that supersedes a matching one matches the query too (same imposer and partners,
    # broader goods), so the matching measures are the only candidates.
    found = [(m, p) for m, p in found if not _superseded(m, p, matching, day)]
    out = []
    for m, point in found:
        rate = 0.0 if point["status"] == "lifted" or point["rate"] is None else float(point["rate"])
        out.append({"measure_id": m["measure_id"], "imposer": m.get("imposer"), "targets": m.get("targets", []),
                    "products": m.get("products", []), "rate": rate, "status": point["status"], "since": point["date"]})
    return sorted(out, key=lambda d: (d["imposer"] or "", d["targets"], d["products"], d["measure_id"]))


def _rate(point: dict) -> float:
    return 0.0 if point["status"] == "lifted" or point["rate"] is None else round(float(point["rate"]), 2)


def _without_retellings(found: list[tuple[dict, dict]]) -> list[tuple[dict, dict]]:
    """Two answers that are one measure told twice: an unnamed measure giving the same rate as a
    compatible measure (same imposer, overlapping goods, no other name) with a name or more
    articles, on the same partners. Consolidation left them apart (no article linked them); the
    day's answer counts the duty once. Measures with different names stay (20% + 125%)."""
    def rank(item: tuple[dict, dict]) -> tuple:
        m, _ = item
        return (0 if m.get("name") else 1, -(m.get("n_articles") or 0), m["measure_id"])

    kept: list[tuple[dict, dict]] = []
    for m, point in sorted(found, key=rank):
        rate = _rate(point)
        twin = rate > 0 and not m.get("name") and any(
            _rate(p) == rate and (k.get("targets") or []) == (m.get("targets") or []) and _compatible(k, m)
            for k, p in kept)
        if not twin:
            kept.append((m, point))
    return kept


def _chapter_starts(measures: list[dict]) -> dict[tuple[str, str], list[str]]:
    """(imposer, partner) -> the sorted first-report days of the imposer's measures naming it."""
    starts: dict[tuple[str, str], list[str]] = {}
    for m in measures:
        if m.get("type") == "tariff" and m.get("first_reported"):
            for t in m.get("targets") or []:
                starts.setdefault((m.get("imposer") or "", t), []).append(m["first_reported"])
    return {key: sorted(days) for key, days in starts.items()}


def _outdated(measure: dict, chapters: dict[tuple[str, str], list[str]], day: str) -> bool:
    """A measure last reported over a year before `day`, whose partners came back into the news
    more than a year after it was last reported (a new measure of the same imposer on one of them
    first reported then, by `day`) without any article of that new chapter reporting it: the
    archive no longer says it applies (a 2018 duty not mentioned once in the 2025 coverage of the
    same pair). Every-country measures stay: a sector duty is not news for each partner."""
    last = measure.get("last_reported")
    targets = set(measure.get("targets") or []) - {"ALL"}
    chapter = _shifted(last, ERA_GAP_DAYS) if last else None
    if chapter is None or not targets or chapter >= day:
        return False
    for t in targets:
        days = chapters.get((measure.get("imposer") or "", t), [])
        i = bisect_right(days, chapter)
        if i < len(days) and days[i] <= day:
            return True
    return False


def _superseded(measure: dict, point: dict, measures: Iterable[dict], day: str) -> bool:
    """A newer act on the same goods and partners replaces an older rate: a measure whose goods all
    fall under a compatible measure of the same partners (same imposer, no other name) with more
    articles that acted (announced, took effect, changed; threats do not count) from about the day
    the measure's rate was last stated up to `day`. The older rate is then what the articles say
    was replaced ("the duty on aluminum, 10% until now, goes to 25% with steel's")."""
    goods = set(measure.get("products") or [])
    if not goods:
        return False
    since = _shifted(point["date"], -DAY_TOLERANCE)
    for other in measures:
        if (other is measure or other.get("type") != "tariff" or other.get("targets") != measure.get("targets")
                or not goods <= set(other.get("products") or []) or not _compatible(other, measure)
                or (other.get("n_articles") or 0) <= (measure.get("n_articles") or 0)):
            continue
        if any(p["status"] not in NEVER_IN_FORCE and since <= p["date"] <= day for p in other.get("timeline", [])):
            return True
    return False


def _shifted(day: str, days: int) -> str:
    try:
        return (_date.fromisoformat(day[:10]) + timedelta(days=days)).isoformat()
    except ValueError:
        return day


def _compatible(a: dict, b: dict) -> bool:
    same_scope = set(a.get("products") or []) & set(b.get("products") or []) or not (a.get("products") or b.get("products"))
    names = (a.get("name"), b.get("name"))
    return bool(same_scope) and (None in names or names[0] == names[1]) and a.get("imposer") == b.get("imposer")


def _narrower(other: dict, measure: dict) -> bool:
    """Does `other` name fewer partners than `measure` (every country counting as the most)?"""
    mine, theirs = measure.get("targets") or [], other.get("targets") or []
    if mine == ["ALL"]:
        return bool(theirs) and theirs != ["ALL"]
    return bool(theirs) and theirs != ["ALL"] and set(theirs) < set(mine)


def _replaced(measure: dict, found: list[tuple[dict, dict]], confident: list[tuple[dict, dict]]) -> bool:
    """A duty on several countries gives way, for one country, to that country's own version of it
    (an exemption, a country rate, a deal) in force the same day: a duty on every country to a
    measure on fewer partners, a duty on a list of partners to one on fewer of them."""
    if measure.get("targets") == ["ALL"]:
        return any(_narrower(other, measure) and _compatible(measure, other) for other, _ in found)
    # A list of partners gives way only to a country version attested well enough to answer.
    return any(_narrower(other, measure) and _compatible(measure, other) for other, _ in confident)


def format_asof(rows: list[dict], day: str) -> str:
    if not rows:
        return f"nothing in force on {day}"
    lines = [f"{'imposer':<8}{'targets':<16}{'products':<24}{'rate':>8}  {'status':<11}{'since':<12}measure"]
    for r in rows:
        lines.append(f"{r['imposer'] or '?':<8}{','.join(r['targets']) or '-':<16}{','.join(r['products']) or '(all goods)':<24}"
                     f"{r['rate']:>7.2f}%  {r['status']:<11}{r['since']:<12}{r['measure_id']}")
    return "\n".join(lines)


def format_timeline(measures: Iterable[dict]) -> str:
    """A readable table per measure: its points, their support and dissent."""
    blocks = []
    for m in measures:
        scope = ",".join(m.get("products") or []) or "all goods"
        head = (f"{m.get('imposer') or ','.join(m.get('parties', []))} -> {','.join(m.get('targets') or []) or '-'}"
                f" [{scope}]" + (f" ({m['name']})" if m.get("name") else "") + f"  {m['type']}  id {m['measure_id']}"
                f"  {m['n_articles']} articles, confidence {m['confidence']:.2f}")
        lines = [head, f"  {'date':<12}{'basis':<11}{'status':<11}{'rate':>8}{'articles':>10}{'conf':>7}  conflicts"]
        for p in m.get("timeline", []):
            rate = "-" if p["rate"] is None else f"{p['rate']:.2f}%"
            dissent = "; ".join(f"{'-' if c['rate'] is None else c['rate']}% {c['status']} ({len(c['article_ids'])} art.)"
                                for c in p.get("conflicts", []))
            lines.append(f"  {p['date']:<12}{p['date_basis']:<11}{p['status']:<11}{rate:>8}{len(p['article_ids']):>10}"
                         f"{p['confidence']:>7.2f}  {dissent}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if blocks else "no measure matches"
