"""The report as one self-contained HTML file: CSS, charts (SVG) and the table filter all inline.

Every piece of text from the run (headlines, evidence, error messages, ids) is untrusted input and
goes through `escape`; no record value is ever written into the script.
"""
from __future__ import annotations

from html import escape
from typing import Iterable, Optional

from .charts import legend, scope_label, series_color, step_chart, tariff_pairs
from .data import MEASURES, RunData
from .spans import COLORS, LabelledSpan, role_spans, without_overlaps

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d232a; margin: 0; background: #f5f6f8; }
header { background: #17324d; color: #fff; padding: 18px 28px; }
header h1 { margin: 0; font-size: 22px; } header p { margin: 4px 0 0; opacity: .8; }
main { padding: 8px 28px 40px; }
section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 14px 18px; margin: 16px 0; }
h2 { font-size: 17px; margin: 0 0 10px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #dde1e6; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.card b { display: block; font-size: 22px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 7px; border-bottom: 1px solid #e6e9ed; vertical-align: top; }
th { background: #eef1f4; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart { border: 1px solid #e6e9ed; border-radius: 6px; padding: 8px; }
.chart h3 { font-size: 15px; margin: 2px 4px 6px; }
.chart ul { margin: 4px 0 0 4px; padding: 0; font-size: 12.5px; list-style: none; }
.swatch { display: inline-block; width: 14px; height: 4px; margin: 0 6px 3px 0; border-radius: 2px; }
#summary table { max-width: 520px; }
svg .grid { stroke: #e3e6ea; } svg .axis { stroke: #98a2ad; } svg .tick { font-size: 10.5px; fill: #56606b; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin: 6px 0 12px; font-size: 12.5px; }
.legend-item { display: inline-flex; align-items: center; gap: 5px; } .legend-item svg { vertical-align: middle; }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 10px; }
.filters input, .filters select { font: inherit; padding: 3px 6px; }
.evidence { min-width: 380px; max-width: 620px; }
.evidence .context { color: #7b8591; }
.evidence .meta { color: #5f6b76; font-size: 12px; margin-top: 3px; }
mark { border-radius: 3px; padding: 0 2px; }
mark::after { content: attr(data-label); font-size: 9px; font-weight: 600; margin-left: 3px; opacity: .7; vertical-align: super; }
.keys { margin: 0 0 8px; font-size: 12.5px; } .keys mark { margin-right: 8px; }
.note { color: #5f6b76; }
.level-error { color: #a93226; } .level-warning { color: #9a6a00; }
""" + "".join(f"mark.role-{label} {{ background: {color}; }}\n" for label, color in COLORS.items())

# Static: filters the table rows by their data attributes; writes a marker when it ran through.
SCRIPT = """
(function () {
  var errors = [];
  window.addEventListener('error', function (e) {
    errors.push(String(e.message));
    var box = document.getElementById('js-errors');
    if (box) { box.textContent = errors.join('\\n'); }
  });
  var rows = Array.prototype.slice.call(document.querySelectorAll('#events tbody tr'));
  var search = document.getElementById('f-search'), type = document.getElementById('f-type');
  var status = document.getElementById('f-status'), conf = document.getElementById('f-confidence');
  var shown = document.getElementById('f-shown');
  function apply() {
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var minimum = parseFloat(conf.value) || 0, count = 0;
    rows.forEach(function (row) {
      var d = row.dataset, ok = (!type.value || d.type === type.value) && (!status.value || d.status === status.value) &&
        parseFloat(d.confidence) >= minimum && words.every(function (w) { return d.search.indexOf(w) >= 0; });
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = count + ' of ' + rows.length + ' events shown';
  }
  // A filter can be given in the address (report.html#type=tariff&status=paused&q=steel&min=0.5).
  var given = {};
  location.hash.replace(/^#/, '').split('&').forEach(function (pair) {
    var kv = pair.split('=');
    if (kv[0]) { given[decodeURIComponent(kv[0])] = decodeURIComponent(kv.slice(1).join('=')); }
  });
  if (given.q) { search.value = given.q; }
  if (given.type) { type.value = given.type; }
  if (given.status) { status.value = given.status; }
  if (given.min) { conf.value = given.min; }
  [search, type, status, conf].forEach(function (el) { el.addEventListener('input', apply); });
  apply();
  var marker = document.getElementById('report-status');
  marker.textContent = 'ready';
  marker.setAttribute('data-ready', '1');
})();
"""


def _options(values: Iterable[str]) -> str:
    return "".join(f'<option value="{escape(v)}">{escape(v.replace("_", " "))}</option>' for v in sorted(set(values)))


CONTEXT_CHARS = 240


def context_around(text: str, start: int, end: int, limit: int = CONTEXT_CHARS) -> tuple[str, str]:
    """Up to `limit` characters before and after [start, end), cut at a sentence or line boundary
    where one is near, else at a word, with an ellipsis where text was left out."""
    before = text[max(0, start - limit):start]
    cut = max(before.rfind(". ", 0, len(before) - 1), before.rfind("\n", 0, len(before) - 1))
    if cut >= 0:
        before = before[cut + 1:]
    elif start > limit:
        before = "… " + before[before.find(" ") + 1:]
    after = text[end:end + limit]
    stop = max(after.find(". ", 1), after.find("\n", 1))
    if 0 < stop:
        after = after[:stop + 1]
    elif end + limit < len(text):
        after = after[:after.rfind(" ")] + " …"
    return before.strip(), after.strip()


def highlighted_evidence(article: Optional[dict], event: dict, text: Optional[str] = None) -> str:
    """The evidence text with its role mentions in <mark>s (all text escaped); with the article's
    text, the sentences around it too, in grey."""
    evidence = event["evidence"]
    marked = _marked(article, event)
    if text is None:
        return marked
    before, after = context_around(text, int(evidence["start"]), int(evidence["end"]))
    return f'<span class="context">{escape(before)}</span> {marked} <span class="context">{escape(after)}</span>'


def _marked(article: Optional[dict], event: dict) -> str:
    evidence = event["evidence"]
    text, base = str(evidence.get("text", "")), int(evidence.get("start", 0))
    spans: list[LabelledSpan] = without_overlaps(role_spans(article, event)) if article else []
    out, at = [], 0
    for span in spans:
        start, end = span.start - base, span.end - base
        if start < at or end > len(text):
            continue
        out.append(escape(text[at:start]))
        out.append(f'<mark class="role-{span.label}" data-label="{span.label.lower().replace("_", " ")}">{escape(text[start:end])}</mark>')
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def _summary(data: RunData) -> str:
    first, last = data.published_range
    cards = [("articles", data.n_articles), ("events", data.n_events)]
    cards += [(f"{t} events", n) for t, n in sorted(data.event_types.items(), key=lambda kv: str(kv[0]))]
    cards += [("errors", data.error_levels.get("error", 0)), ("warnings", data.error_levels.get("warning", 0))]
    cards.append(("measures", len(data.measures) if data.measures is not None else "none"))
    html = ['<section id="summary"><h2>Run summary</h2><div class="cards">']
    html += [f'<div class="card"><b>{escape(str(n))}</b>{escape(name)}</div>' for name, n in cards]
    html.append("</div>")
    if first:
        html.append(f"<p>Articles published {escape(first)} to {escape(last)}.</p>")
    by_status = data.event_statuses
    if by_status:
        rows = "".join(f"<tr><td>{escape(str(t))}</td><td>{escape(str(s))}</td><td class=num>{n}</td></tr>"
                       for (t, s), n in sorted(by_status.items(), key=lambda kv: (-kv[1], str(kv[0]))))
        html.append(f"<table><thead><tr><th>type</th><th>status</th><th>events</th></tr></thead><tbody>{rows}</tbody></table>")
    if data.imposers:
        top = ", ".join(f"{escape(str(code))} ({n})" for code, n in data.imposers.most_common(8))
        html.append(f"<p>Tariff events by imposer: {top}.</p>")
    bad_lines = {name: n for name, n in data.bad_lines.items() if n}
    if bad_lines:
        bad = ", ".join(f"{escape(name)}: {n}" for name, n in sorted(bad_lines.items()))
        html.append(f'<p class="note">Lines that could not be read (left out): {bad}.</p>')
    html.append("</section>")
    return "".join(html)


def _measures(data: RunData) -> str:
    html = ['<section id="measures"><h2>Measures over time</h2>']
    if data.measures is None:
        html.append(f'<p id="no-measures" class="note">This run has no {MEASURES} (measures are written when the run '
                    "consolidates its events into real-world measures), so there are no timelines to draw.</p></section>")
        return "".join(html)
    pairs = tariff_pairs(data.measures)
    if not pairs:
        html.append(f'<p id="no-measures" class="note">{MEASURES} holds no tariff measure with a dated timeline.</p>')
    else:
        html.append(legend() + '<div class="charts">')
        for (imposer, targets), measures in pairs.items():
            title = f"{imposer} → {', '.join(targets) or '?'}"
            items = "".join(_measure_item(i, m) for i, m in enumerate(measures))
            html.append(f'<div class="chart" data-pair="{escape(imposer)}-{escape("+".join(targets))}"><h3>{escape(title)}</h3>'
                        f"{step_chart(title, measures)}<ul>{items}</ul></div>")
        html.append("</div>")
    talks = [m for m in data.measures if m.get("type") == "talks"]
    if talks:
        rows = "".join(
            f"<tr><td>{escape(', '.join(m.get('parties') or []))}</td><td>{escape(' → '.join(str(p.get('status')) + ' ' + str(p.get('date')) for p in m.get('timeline') or []))}</td>"
            f"<td class=num>{escape(str(m.get('n_articles', '')))}</td></tr>" for m in talks)
        html.append(f"<h3>Negotiation tracks</h3><table><thead><tr><th>parties</th><th>timeline</th><th>articles</th></tr></thead><tbody>{rows}</tbody></table>")
    html.append("</section>")
    return "".join(html)


def _measure_item(index: int, measure: dict) -> str:
    current = measure.get("current") if isinstance(measure.get("current"), dict) else {}
    return (f'<li><span class="swatch" style="background:{series_color(index)}"></span>{escape(scope_label(measure))}: '
            f"now {escape(str(current.get('status', '?')))}{_rate(current.get('rate'))} since {escape(str(current.get('since', '?')))}; "
            f"{escape(str(measure.get('n_articles', '?')))} article(s)</li>")


def _percent(value: object) -> str:
    return f"{value:g}%" if isinstance(value, (int, float)) else ""


def _rate(value: object) -> str:
    return f" at {_percent(value)}" if isinstance(value, (int, float)) else ""


def _events(data: RunData) -> str:
    events = data.events
    keys = "".join(f'<mark class="role-{label}" data-label="">{label.lower().replace("_", " ")}</mark>' for label in COLORS)
    html = ['<section id="events-section"><h2>Events</h2><div class="filters">',
            '<input id="f-search" type="search" placeholder="filter: words, countries, ids" aria-label="filter">',
            f'<select id="f-type" aria-label="type"><option value="">every type</option>{_options(str(e.get("type")) for e in events)}</select>',
            f'<select id="f-status" aria-label="status"><option value="">every status</option>{_options(str(e.get("status")) for e in events)}</select>',
            '<label>confidence at least <input id="f-confidence" type="number" min="0" max="1" step="0.05" value="0"></label>',
            '<span id="f-shown" class="note"></span></div>',
            f'<p class="keys">Evidence marks: {keys}</p>']
    if data.n_events > len(events):
        html.append(f'<p class="note">The first {len(events)} of {data.n_events} events are listed.</p>')
    html.append('<table id="events"><thead><tr><th>type</th><th>status</th><th>rate</th><th>imposer</th><th>targets</th>'
                "<th>products</th><th>article</th><th>confidence</th><th>evidence</th></tr></thead><tbody>")
    for event in events:
        article = data.articles.get(str(event.get("article_id")))
        headline = (article or {}).get("headline") or event.get("article_id")
        url = (article or {}).get("url")
        link = f'<a href="{escape(url)}">{escape(str(headline))}</a>' if isinstance(url, str) and url.startswith(("http://", "https://")) else escape(str(headline))
        meta = " · ".join(escape(str(v)) for v in ((article or {}).get("published"), ", ".join((article or {}).get("dateline") or []), event.get("article_id")) if v)
        targets, products = ", ".join(event.get("targets") or event.get("parties") or []), ", ".join(event.get("products") or [])
        confidence = event.get("confidence") if isinstance(event.get("confidence"), (int, float)) else 0.0
        search = " ".join(str(v) for v in (event.get("type"), event.get("status"), event.get("imposer"), targets, products,
                                             headline, event.get("article_id"), event["evidence"].get("text"))).lower()
        html.append(
            f'<tr data-type="{escape(str(event.get("type")))}" data-status="{escape(str(event.get("status")))}" '
            f'data-confidence="{confidence:.3f}" data-search="{escape(search)}">'
            f"<td>{escape(str(event.get('type')))}</td><td>{escape(str(event.get('status')))}</td>"
            f"<td class=num>{escape(_percent(event.get('rate')))}</td><td>{escape(str(event.get('imposer') or ''))}</td>"
            f"<td>{escape(targets)}</td><td>{escape(products)}</td><td>{link}</td><td class=num>{confidence:.2f}</td>"
            f'<td class="evidence">{highlighted_evidence(article, event, data.texts.get(str(event.get("article_id"))))}<div class="meta">{meta}</div></td></tr>')
    html.append("</tbody></table></section>")
    return "".join(html)


def _errors(data: RunData) -> str:
    if not data.errors:
        return ""
    counts = ", ".join(f'<span class="level-{escape(str(level))}">{escape(str(code))} ({escape(str(level))}): {n}</span>'
                       for (level, code), n in sorted(data.error_codes.items(), key=lambda kv: tuple(map(str, kv[0]))))
    rows = "".join(
        f'<tr><td class="level-{escape(str(e.get("level", "error")))}">{escape(str(e.get("level", "error")))}</td>'
        f"<td>{escape(str(e.get('origin') or e.get('article_id') or ''))}</td><td>{escape(str(e.get('message', '')))}</td></tr>"
        for e in data.errors)
    total = sum(data.error_levels.values())
    more = f'<p class="note">{total - len(data.errors)} more in errors.jsonl.</p>' if total > len(data.errors) else ""
    return (f'<section id="errors"><h2>Errors and warnings</h2><p>{counts}</p><table><thead><tr><th>level</th><th>record</th>'
            f"<th>message</th></tr></thead><tbody>{rows}</tbody></table>{more}</section>")


def render_report(data: RunData) -> str:
    """The whole page as a string (the events listed are those `load_run` kept)."""
    title = f"tariffwire report: {data.outdir.name or data.outdir}"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(str(data.outdir))}</p>"
        '<p>page script: <span id="report-status" data-ready="0">has not run</span> <span id="js-errors"></span></p></header><main>'
        + _summary(data) + _measures(data) + _events(data) + _errors(data)
        + f"</main><script>{SCRIPT}</script></body></html>\n"
    )
