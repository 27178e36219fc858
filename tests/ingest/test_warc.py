"""WARC input: pages written here, archived with warcio, read back through the ingest stage."""
from __future__ import annotations

import gzip
import zlib

import pytest

from extractor.errors import ArticleError
from extractor.ingest import Article, make_ingestor
from extractor.ingest.warc import url_id
from tests.pipeline_support import benchmark_module

write_warc = benchmark_module("warc_ingest").write_warc

DATED_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Ottawa answers steel duties | Northern Ledger</title>
<meta property="article:published_time" content="2025-03-13T09:30:00Z">
<meta property="og:site_name" content="Northern Ledger"><meta name="author" content="Helene Tremblay"></head>
<body><nav><a href="/">Home</a> <a href="/trade">Trade</a></nav>
<article><h1>Ottawa answers steel duties</h1>
<p>OTTAWA (Northern Ledger) - Canada will charge a 25% counter-tariff on a list of American steel and aluminium goods from Thursday, the finance minister told reporters on Wednesday.</p>
<p>The list covers about 30 billion Canadian dollars of imports, and the minister said more goods could be added if Washington kept its duties in place.</p>
</article><footer>Northern Ledger, all rights reserved</footer></body></html>"""

UNDATED_PAGE = """<html><head><title>Seoul seeks talks</title></head><body>
<article><h1>Seoul seeks talks</h1>
<p>SEOUL (Harbour Post) - South Korea asked for talks with the United States on Friday about the 25% levy on its cars, the trade ministry said in a statement.</p>
<p>Officials said a delegation could travel to Washington within two weeks, and that exporters had been asked to report their expected losses.</p>
</article></body></html>"""

LATIN1_PAGE = """<html><head><meta charset="iso-8859-1"><title>Caf\u00e9 owners fear levies</title></head><body><article>
<p>LYON (Harbour Post) - Caf\u00e9 owners in the region said a 20% duty on French cheese would hurt their trade, according to a survey released on Monday by their federation.</p>
<p>The federation said half of its members sold cheese to buyers in the United States and would look for customers elsewhere.</p>
</article></body></html>"""

NAV_ONLY_PAGE = ("<html><head><title>Index</title></head><body><nav><a href='/w'>World</a> <a href='/t'>Trade</a> "
                 "<a href='/m'>Markets</a></nav><script>var x = 1;</script></body></html>")


def crawl() -> list[dict]:
    return [
        {"type": "request", "url": "https://ledger.example/steel"},
        {"type": "response", "url": "https://ledger.example/steel", "body": DATED_PAGE.encode("utf-8")},
        {"type": "metadata", "url": "https://ledger.example/steel", "body": b"fetchTimeMs: 88\n"},
        {"type": "response", "url": "https://post.example/seoul#top", "body": UNDATED_PAGE.encode("utf-8"), "date": "2025-04-04T15:00:00Z"},
        {"type": "response", "url": "https://post.example/data.json", "body": b'{"rate": 25}', "content_type": "application/json"},
        {"type": "response", "url": "https://post.example/gone", "body": DATED_PAGE.encode("utf-8"), "status": 404},
        {"type": "revisit", "url": "https://ledger.example/steel"},
        {"type": "response", "url": "https://post.example/index", "body": NAV_ONLY_PAGE.encode("utf-8")},
        {"type": "resource", "url": "https://post.example/logo.txt", "body": b"logo", "content_type": "text/plain"},
        {"type": "response", "url": "https://post.example/lyon", "body": LATIN1_PAGE.encode("latin-1"), "content_type": "text/html; charset=iso-8859-1"},
    ]


def read_all(path, extractor="trafilatura"):
    results = list(make_ingestor(html_extractor=extractor).iter_records([str(path)]))
    return [r for r in results if isinstance(r, Article)], [r for r in results if isinstance(r, ArticleError)]


@pytest.mark.parametrize("name,gzip", [("crawl.warc.gz", True), ("crawl.warc", False)])
@pytest.mark.parametrize("extractor", ["trafilatura", "builtin"])
def test_warc_keeps_html_responses_and_counts_the_rest(tmp_path, name, gzip, extractor):
    path = write_warc(tmp_path / name, crawl(), gzip=gzip)
    articles, notes = read_all(path, extractor)
    assert [a.url for a in articles] == ["https://ledger.example/steel", "https://post.example/seoul#top", "https://post.example/lyon"]
    steel, seoul, lyon = articles
    assert steel.id == url_id("https://ledger.example/steel") and steel.id.startswith("url-")
    assert seoul.id == url_id("https://post.example/seoul")  # the fragment names no other page
    # The headline is metadata: the text starts at the dateline, which is then read.
    assert steel.headline == "Ottawa answers steel duties" and steel.text.startswith("OTTAWA (Northern Ledger) - Canada")
    assert steel.dateline == ["OTTAWA"] and "Home" not in steel.text and "rights reserved" not in steel.text
    assert steel.source == "Northern Ledger" and steel.byline == ["Helene Tremblay"]
    assert (steel.published, steel.published_source) == ("2025-03-13", "page")
    assert (seoul.published, seoul.published_source) == ("2025-04-04", "warc-date")  # no page date: the capture day
    assert lyon.text.startswith("LYON") and "Café owners" in lyon.text and lyon.warnings == []
    [summary] = notes
    message = str(summary)
    assert message.startswith(f"WARC file {path}: 3 article(s) and 0 unreadable record(s) among 11 record(s)")
    for reason in ("1 HTTP status not 2xx", "1 no main text", "1 not HTML", "1 not a response (metadata)",
                   "1 not a response (request)", "1 not a response (resource)", "1 not a response (revisit)", "1 not a response (warcinfo)"):
        assert reason in message


@pytest.mark.parametrize("gzip", [True, False])
def test_warc_truncated_last_record_is_one_error(tmp_path, gzip):
    whole = write_warc(tmp_path / "whole.warc", crawl(), gzip=gzip).read_bytes()
    cut = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
    cut.write_bytes(whole[:-200])  # into the last record's block: the Lyon page
    articles, notes = read_all(cut, "builtin")
    assert [a.url for a in articles] == ["https://ledger.example/steel", "https://post.example/seoul#top"]
    [error, summary] = notes
    assert error.origin.startswith(f"{cut}:offset ") and error.origin in str(error)
    assert "https://post.example/lyon" in str(error) and "cannot be read" in str(error)
    assert "2 article(s) and 1 unreadable record(s) among 11 record(s)" in str(summary)


def test_warc_truncated_page_names_offset_and_url(tmp_path):
    records = crawl()[:2]  # the request, then the response of the steel page, which is cut
    whole = write_warc(tmp_path / "w.warc", records, gzip=False).read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole[: whole.rindex(b"Canada will charge")])
    articles, notes = read_all(cut, "builtin")
    assert articles == []
    [error, summary] = notes
    assert "https://ledger.example/steel" in str(error) and "truncated" in str(error)
    assert error.origin.startswith(f"{cut}:offset ") and error.article_id == url_id("https://ledger.example/steel")
    assert "0 article(s) and 1 unreadable record(s)" in str(summary)


def test_warc_bad_file_does_not_stop_the_next(tmp_path):
    (tmp_path / "a-garbage.warc").write_bytes(b"this is not a web archive at all\n" * 3)
    write_warc(tmp_path / "b-good.warc.gz", crawl()[:2])
    articles, notes = read_all(tmp_path, "builtin")
    assert [a.url for a in articles] == ["https://ledger.example/steel"]
    assert any("a-garbage.warc" in str(n) for n in notes)


def test_warc_same_url_twice_keeps_the_first(tmp_path):
    records = crawl()[:2] + [{"type": "response", "url": "https://ledger.example/steel", "body": DATED_PAGE.encode("utf-8")}]
    articles, notes = read_all(write_warc(tmp_path / "twice.warc.gz", records), "builtin")
    assert len(articles) == 1
    assert any("duplicate article id" in str(n) for n in notes)


def test_warc_folder_walk_finds_archives(tmp_path):
    (tmp_path / "sub").mkdir()
    write_warc(tmp_path / "sub" / "x.warc.gz", crawl()[:2])
    write_warc(tmp_path / "y.WARC", crawl()[:2])
    articles, notes = read_all(tmp_path, "builtin")
    assert len(articles) == 2 - 1  # the same URL in both archives: the later one is a duplicate
    assert sum("duplicate article id" in str(n) for n in notes) == 1


@pytest.mark.slow
def test_warc_through_extract(tmp_path, cli, jsonl):
    archive = write_warc(tmp_path / "in" / "crawl.warc.gz", crawl())
    result = cli("extract", archive, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.output  # skips are warnings, not failures
    articles = {a["url"]: a for a in jsonl(tmp_path / "out" / "articles.jsonl")}
    assert set(articles) == {"https://ledger.example/steel", "https://post.example/seoul#top", "https://post.example/lyon"}
    steel = articles["https://ledger.example/steel"]
    assert steel["article_id"] == url_id("https://ledger.example/steel") and steel["published"] == "2025-03-13"
    assert steel["headline"] == "Ottawa answers steel duties" and steel["dateline"] == ["OTTAWA"]
    assert articles["https://post.example/seoul#top"]["published"] == "2025-04-04"
    events = jsonl(tmp_path / "out" / "events.jsonl")
    assert any(e["imposer"] == "CAN" and e["rate"] == 25.0 and e["article_id"] == steel["article_id"] for e in events)
    [summary] = jsonl(tmp_path / "out" / "errors.jsonl")
    assert summary["level"] == "warning" and summary["code"] == "W060"


def test_warc_oversized_record_is_not_read_into_memory(tmp_path):
    big_page = DATED_PAGE.replace("</article>", "<p>" + "More steel talk. " * 500 + "</p></article>").encode("utf-8")
    records = [
        {"type": "response", "url": "https://post.example/video", "body": bytes(len(big_page)), "content_type": "video/mp4"},
        {"type": "response", "url": "https://ledger.example/steel", "body": big_page},
    ]
    path = write_warc(tmp_path / "big.warc.gz", records)
    results = list(make_ingestor(html_extractor="builtin", max_chars=200).iter_records([str(path)]))
    [error, summary] = results
    assert "exceeds ingest.max_chars=200" in str(error) and error.origin.startswith(f"{path}:offset ")
    assert "1 not HTML" in str(summary)  # the video is skipped, not an error


def _chunked(data: bytes, size: int = 100) -> bytes:
    pieces = [data[i:i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-15)
    return packer.compress(data) + packer.flush()


PLAIN = UNDATED_PAGE.encode("utf-8")


@pytest.mark.parametrize(
    "body,headers",
    [
        (gzip.compress(PLAIN), [("Content-Encoding", "gzip")]),
        (PLAIN, [("Content-Encoding", "gzip")]),  # stored decoded under its original header, as crawlers do
        (zlib.compress(PLAIN), [("Content-Encoding", "deflate")]),
        (_raw_deflate(PLAIN), [("Content-Encoding", "deflate")]),
        (_chunked(PLAIN), [("Transfer-Encoding", "chunked")]),
        (PLAIN, [("Transfer-Encoding", "chunked")]),
        (_chunked(gzip.compress(PLAIN)), [("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")]),
    ],
    ids=["gzip", "gzip-already-decoded", "deflate", "raw-deflate", "chunked", "chunked-already-decoded", "chunked-gzip"],
)
def test_warc_encoded_bodies_are_decoded(tmp_path, body, headers):
    records = [{"type": "response", "url": "https://post.example/seoul", "body": body, "headers": headers},
               {"type": "response", "url": "https://ledger.example/steel", "body": DATED_PAGE.encode("utf-8")}]
    articles, _ = read_all(write_warc(tmp_path / "enc.warc.gz", records), "builtin")
    assert [a.url for a in articles] == ["https://post.example/seoul", "https://ledger.example/steel"]
    assert articles[0].text.startswith("SEOUL (Harbour Post) - South Korea asked for talks")


def test_warc_brotli_body_is_decoded(tmp_path):
    brotli = pytest.importorskip("brotli")  # optional: without it a br body stays encoded
    records = [{"type": "response", "url": "https://post.example/seoul", "body": brotli.compress(PLAIN), "headers": [("Content-Encoding", "br")]}]
    [article], _ = read_all(write_warc(tmp_path / "br.warc.gz", records), "builtin")
    assert article.text.startswith("SEOUL (Harbour Post)")


def test_warc_decompression_bomb_is_refused(tmp_path):
    bomb = gzip.compress(b"<p>" + b"a" * 3_000_000 + b"</p>")
    records = [{"type": "response", "url": "https://x.example/bomb", "body": bomb, "headers": [("Content-Encoding", "gzip")]}]
    results = list(make_ingestor(html_extractor="builtin", max_chars=100_000).iter_records([str(write_warc(tmp_path / "b.warc.gz", records))]))
    assert "exceeds ingest.max_chars=100000" in str(results[0])


def _raw_response(uri: str, block: bytes) -> bytes:
    head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2025-04-20T12:00:00Z\r\n"
            "WARC-Record-ID: <urn:uuid:{id}>\r\nContent-Type: application/http; msgtype=response\r\n"
            "Content-Length: {length}\r\n\r\n").format(uri=uri, id=url_id(uri), length=len(block))
    return head.encode("ascii") + block + b"\r\n\r\n"


def test_warc_bad_http_messages_are_errors_and_the_next_record_is_read(tmp_path):
    good = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + PLAIN
    (tmp_path / "raw.warc").write_bytes(
        _raw_response("https://x.example/no-status", b"\x00\x01 not an HTTP message")
        + _raw_response("https://x.example/huge-header", b"HTTP/1.1 200 OK\r\nX-Junk: " + b"a" * 70_000 + b"\r\n\r\n<p>x</p>")
        + _raw_response("https://post.example/seoul", good))
    articles, notes = read_all(tmp_path / "raw.warc", "builtin")
    assert [a.url for a in articles] == ["https://post.example/seoul"]
    errors = [str(n) for n in notes if "cannot be read" in str(n)]
    assert len(errors) == 2 and "x.example/no-status" in errors[0] and "x.example/huge-header" in errors[1]


def test_warc_binary_page_is_one_error(tmp_path):
    records = [{"type": "response", "url": "https://post.example/bin", "body": b"<html>\x00\x01\x02" * 40},
               {"type": "response", "url": "https://ledger.example/steel", "body": DATED_PAGE.encode("utf-8")}]
    articles, [error, _] = read_all(write_warc(tmp_path / "bin.warc", records, gzip=False), "builtin")
    assert [a.url for a in articles] == ["https://ledger.example/steel"]
    assert "https://post.example/bin" in str(error) and "binary" in str(error)
