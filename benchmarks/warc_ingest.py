"""WARC ingest speed: records/s and MB/s of reading a .warc.gz into articles.

    python benchmarks/warc_ingest.py [-n 500] [--extractor trafilatura|builtin] [--json out.json]

Builds a gzipped WARC of N news pages the way a crawler writes one (a request record, then the
response, then a metadata record, per page; one page in ten is not HTML), then times two passes
over it in this process:

  parse    FastWARC alone: every record's headers and block read, no HTML work
  ingest   tariffwire's reader: the records kept, main text and metadata extracted, wire head
           parsed, Articles built (`Ingestor.iter_records`), i.e. everything before NER

Records per CPU second are printed too: a busy machine disturbs them less than wall time. MB/s is
of the file as stored (gzipped); the size of the record blocks uncompressed is printed too. The pages are made up here from a few templates with
boilerplate around them (navigation, scripts, footer) to weigh about as much as a real article page.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

COUNTRIES = ["Canada", "Mexico", "Japan", "South Korea", "Brazil", "India", "Vietnam", "Australia", "Chile", "Norway"]
GOODS = ["steel", "aluminium", "cars", "soybeans", "semiconductors", "lumber", "solar panels", "wine"]
CITIES = ["OTTAWA", "MEXICO CITY", "TOKYO", "SEOUL", "BRASILIA", "NEW DELHI", "HANOI", "CANBERRA"]
SENTENCES = [
    "{country} said on {day} it would put a {rate}% duty on imports of {goods} from the United States.",
    "Officials in {country} expect talks on {goods} to resume next month, a trade ministry spokesperson said.",
    "Exporters of {goods} have warned that the levy could cut shipments by a third this year.",
    "The government of {country} has not ruled out further measures if the dispute drags on.",
    "Prices of {goods} rose after the announcement, traders in the capital said.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article_html(rng: random.Random, number: int, *, with_date: bool = True) -> str:
    country, goods = rng.choice(COUNTRIES), rng.choice(GOODS)
    fill = dict(country=country, goods=goods, rate=rng.choice([10, 15, 20, 25, 50]), day=rng.choice(DAYS))
    paragraphs = [rng.choice(SENTENCES).format(**fill) for _ in range(rng.randint(6, 12))]
    paragraphs[0] = f"{rng.choice(CITIES)} (Wire) - " + paragraphs[0]
    nav = "".join(f"<li><a href='/section/{i}'>Section {i}</a></li>" for i in range(40))
    meta_date = f"<meta property='article:published_time' content='2025-04-{1 + number % 28:02d}T08:00:00Z'>" if with_date else ""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{country} weighs duties on {goods} | Example Wire</title>{meta_date}"
        "<meta property='og:site_name' content='Example Wire'>"
        "<script>window.analytics = {queue: [], push: function (e) { this.queue.push(e); }};</script>"
        "<style>body { font-family: sans-serif } .nav li { display: inline }</style></head>"
        f"<body><header><ul class='nav'>{nav}</ul></header><main><article>"
        f"<h1>{country} weighs duties on {goods}</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article></main><aside><h2>Most read</h2><ul>"
        + "".join(f"<li><a href='/story/{i}'>Another story number {i}</a></li>" for i in range(15))
        + "</ul></aside><footer><p>Copyright Example Wire. All rights reserved.</p></footer></body></html>"
    )


def write_warc(path: Path, records: list[dict], *, gzip: bool = True) -> Path:
    """Write WARC records with warcio. Each record: {"type": "response"|"request"|"metadata"|
    "revisit"|"resource", "url", "body" (bytes), "content_type", "status" (default 200), "date",
    "headers" (more HTTP headers of a response)}."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tariffwire benchmark"}))
        for rec in records:
            kind, url, body = rec["type"], rec["url"], rec.get("body", b"")
            warc_headers = {"WARC-Date": rec.get("date", "2025-04-20T12:00:00Z")}
            if kind == "response":
                headers = [("Content-Type", rec.get("content_type", "text/html; charset=utf-8")), *rec.get("headers", [])]
                http = StatusAndHeaders(f"{rec.get('status', 200)} OK", headers, protocol="HTTP/1.1")
                made = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http, warc_headers_dict=warc_headers)
            elif kind == "request":
                http = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "example.org")], is_http_request=True)
                made = writer.create_warc_record(url, "request", payload=BytesIO(b""), http_headers=http, warc_headers_dict=warc_headers)
            elif kind == "revisit":
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                made = writer.create_revisit_record(url, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", refers_to_uri=url,
                                                    refers_to_date="20250401000000", http_headers=http)
            else:  # metadata, resource
                made = writer.create_warc_record(url, kind, payload=BytesIO(body), warc_content_type=rec.get("content_type", "text/plain"),
                                                 warc_headers_dict=warc_headers)
            writer.write_record(made)
    return path


def crawl_records(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        url = f"https://wire.example.org/2025/04/story-{i}"
        records.append({"type": "request", "url": url})
        if i % 10 == 9:
            records.append({"type": "response", "url": url + ".pdf", "content_type": "application/pdf", "body": b"%PDF-1.4 " + bytes(2000)})
        else:
            records.append({"type": "response", "url": url, "body": article_html(rng, i, with_date=i % 3 != 0).encode("utf-8")})
        records.append({"type": "metadata", "url": url, "body": b"fetchTimeMs: 120\n"})
    return records


def time_parse(path: Path) -> dict:
    from fastwarc.warc import ArchiveIterator

    start, cpu = time.perf_counter(), time.process_time()
    records = size = 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream, parse_http=False):
            size += len(record.reader.read())
            records += 1
    return {"records": records, "block_bytes": size, "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}


def time_ingest(path: Path, extractor: str) -> dict:
    from extractor.errors import ArticleError
    from extractor.ingest import make_ingestor

    ingestor = make_ingestor(html_extractor=extractor)
    ingestor._read_options()  # the extractor's import is not part of the reading
    start, cpu = time.perf_counter(), time.process_time()
    articles = notes = 0
    for item in ingestor.iter_records([str(path)]):
        if isinstance(item, ArticleError):
            notes += 1
        else:
            articles += 1
    return {"articles": articles, "notes": notes, "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="pages in the archive (default 500)")
    parser.add_argument("--extractor", default="trafilatura", choices=["trafilatura", "builtin"])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_warc(Path(tmp) / "crawl.warc.gz", crawl_records(args.n))
        megabytes = path.stat().st_size / 1e6
        parse = time_parse(path)
        ingest = time_ingest(path, args.extractor)
    records = parse["records"]
    raw_mb = parse["block_bytes"] / 1e6
    report = {
        "pages": args.n, "records": records, "file_mb": round(megabytes, 3), "record_mb": round(raw_mb, 3), "extractor": args.extractor,
        "parse": {"records_per_s": round(records / parse["seconds"], 1), "mb_per_s": round(megabytes / parse["seconds"], 2),
                  "records_per_cpu_s": round(records / max(parse["cpu_seconds"], 1e-9), 1)},
        "ingest": {"records_per_s": round(records / ingest["seconds"], 1), "mb_per_s": round(megabytes / ingest["seconds"], 2),
                   "records_per_cpu_s": round(records / max(ingest["cpu_seconds"], 1e-9), 1),
                   "articles": ingest["articles"], "articles_per_s": round(ingest["articles"] / ingest["seconds"], 1),
                   "notes": ingest["notes"]},
    }
    print(f"{records} WARC records ({args.n} pages, {megabytes:.2f} MB gzipped, {raw_mb:.2f} MB of record blocks)")
    for name, label in (("parse", "parse  (FastWARC only):"), ("ingest", f"ingest ({args.extractor}):")):
        figures = report[name]
        print(f"{label:<28} {figures['records_per_s']:>9} records/s  {figures['mb_per_s']:>7} MB/s  "
              f"({figures['records_per_cpu_s']} records per CPU second)")
    print(f"ingest kept {ingest['articles']} articles, {report['ingest']['articles_per_s']} articles/s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall-clock figures slow down under load)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
