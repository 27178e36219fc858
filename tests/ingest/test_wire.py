import time

import pytest

from extractor.ingest import parse_wire


def spans_text(text, spans):
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize(
    "first_line,byline,agency",
    [
        ("By Daniel Smith and Jane Roe", ["Daniel Smith", "Jane Roe"], None),
        ("By Jane Roe, Reuters", ["Jane Roe"], "Reuters"),
        ("By JANE ROE and JOHN DOE Associated Press", ["Jane Roe", "John Doe"], "Associated Press"),
        ("By Jane Roe | Bloomberg", ["Jane Roe"], "Bloomberg"),
        ("By Ann Lee, Bo Chen & Carl de Souza", ["Ann Lee", "Bo Chen", "Carl de Souza"], None),
        ("By Jane Roe in Tokyo and John Doe in Washington", ["Jane Roe", "John Doe"], None),
        ("By José Álvarez", ["José Álvarez"], None),
        ("By Reuters", [], "Reuters"),
    ],
)
def test_wire_byline(first_line, byline, agency):
    text = first_line + "\n\nTokyo said tariffs would rise."
    wire = parse_wire(text)
    assert wire.byline == byline
    assert wire.agency == agency
    assert spans_text(text, wire.spans) == [first_line]


@pytest.mark.parametrize(
    "stamp",
    ["April 16, 2025 10:05 AM EDT", "Updated 3:15 PM GMT, Apr 16 2025", "Published: 2025-04-16T10:05Z", "Wed, Apr 16, 2025"],
)
def test_wire_byline_timestamp(stamp):
    text = f"By Jane Roe\n{stamp}\nTokyo said tariffs would rise."
    wire = parse_wire(text)
    assert spans_text(text, wire.spans) == [f"By Jane Roe\n{stamp}"]


@pytest.mark.parametrize(
    "text",
    [
        "By Wednesday, officials said the talks would resume.",
        "By Wednesday officials had agreed.",
        "By the end of the week tariffs will rise.",
        "By 2026 the tariff will reach 25%.",
        "By raising tariffs, Washington hopes to win concessions.",
        "By Jane",  # one word is not a name
        "Officials met.\nBy Jane Roe",  # not the first line
    ],
)
def test_wire_byline_negatives(text):
    wire = parse_wire(text)
    assert wire.byline == []
    assert wire.spans == []


@pytest.mark.parametrize(
    "paragraph,dateline,agency,span",
    [
        ("WASHINGTON/TOKYO (Reuters) – Japan said.", ["WASHINGTON", "TOKYO"], "Reuters", "WASHINGTON/TOKYO (Reuters) –"),
        ("OTTAWA, March 4 (AP) — Canada said.", ["OTTAWA"], "AP", "OTTAWA, March 4 (AP) —"),
        ("BRUSSELS — The EU said.", ["BRUSSELS"], None, "BRUSSELS —"),
        ("BEIJING, Jan 2 (Reuters) -China said.", ["BEIJING"], "Reuters", "BEIJING, Jan 2 (Reuters) -"),
        ("NEW DELHI (AFP) - India said.", ["NEW DELHI"], "AFP", "NEW DELHI (AFP) -"),
        ("MEXICO CITY - Mexico said.", ["MEXICO CITY"], None, "MEXICO CITY -"),
        ("LONDON -- Britain said.", ["LONDON"], None, "LONDON --"),
        ("WASHINGTON, D.C. — The US said.", ["WASHINGTON, D.C."], None, "WASHINGTON, D.C. —"),
        ("Washington, D.C. — The US said.", ["Washington, D.C."], None, "Washington, D.C. —"),
        ("Beijing, Jan 2 (Reuters) - China said.", ["Beijing"], "Reuters", "Beijing, Jan 2 (Reuters) -"),
        ("SAN JUAN, Puerto Rico (AP) — Officials said.", ["SAN JUAN, Puerto Rico"], "AP", "SAN JUAN, Puerto Rico (AP) —"),
        ("SÃO PAULO (Reuters) - Brazil said.", ["SÃO PAULO"], "Reuters", "SÃO PAULO (Reuters) -"),
    ],
)
def test_wire_dateline(paragraph, dateline, agency, span):
    wire = parse_wire(paragraph)
    assert wire.dateline == dateline
    assert wire.agency == agency
    assert spans_text(paragraph, wire.spans) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "The EU said BRUSSELS — would respond.",
        "Japan said on Monday.\nBRUSSELS — The EU said.",  # not the first paragraph
        "Tariffs — the taxes on imports — are rising.",
        "Brussels — the EU said.",  # a bare title-case word before a dash is prose
        "TARIFFS — WHAT YOU NEED TO KNOW",
        "US — China trade talks resumed.",
        "UPDATE 2 - Japan set to begin talks.",
        "WTO - members met on Monday.",
        "BRUSSELS is where the talks took place.",
    ],
)
def test_wire_dateline_negatives(text):
    wire = parse_wire(text)
    assert wire.dateline == []
    assert wire.spans == []


@pytest.mark.parametrize(
    "credit",
    [
        "(Reporting by Daniel Leussink, Kantaro Komiya in Tokyo; Nathan Layne in Washington; Writing by Ann Lee; Editing by Bo Chen and Carl Diaz)",
        "Reporting by Jane Roe; Editing by John Doe",
        "Additional reporting by Jane Roe in Berlin",
        "Compiled by Jane Roe",
        "-- Associated Press writer Jane Roe in Tokyo contributed to this report.",
        "Contact: Jane Roe, jane.roe@example.com, +1 202 555 0100",
    ],
)
def test_wire_credits_paragraph(credit):
    text = "TOKYO (Reuters) - Japan said tariffs would rise.\n\nOfficials met on Monday.\n\n" + credit
    wire = parse_wire(text)
    assert spans_text(text, wire.spans)[-1] == credit


def test_wire_credits_several_paragraphs():
    text = "Japan said tariffs would rise.\nAdditional reporting by Jane Roe\nEditing by John Doe\n"
    assert spans_text(text, parse_wire(text).spans) == ["Additional reporting by Jane Roe", "Editing by John Doe"]


@pytest.mark.parametrize(
    "tail",
    [
        "(Reporting by Jane Roe; Editing by John Doe)",
        "(Reporting by Jane Roe; Editing by\nJohn Doe)",  # wrapped over two lines
        "(Writing by Jane Roe (Tokyo); Editing by John Doe)",
    ],
)
def test_wire_credits_parenthesised_tail(tail):
    text = "Japan said tariffs would rise. Officials met on Monday. " + tail
    assert spans_text(text, parse_wire(text).spans) == [tail]


@pytest.mark.parametrize(
    "text",
    [
        "Japan said.\nReporting by the Financial Times showed that tariffs were rising.",
        "Japan said.\nEditing by hand is slow, officials said.",
        "Japan said tariffs (which the reporting by analysts expected) would rise.",
        "Japan said tariffs would rise (by 24%).",
        "Japan said its staff contributed to the report on tariffs, officials said on Monday in Tokyo.",
    ],
)
def test_wire_credits_negatives(text):
    assert parse_wire(text).spans == []


def test_wire_full_article_offsets():
    text = (
        "By Daniel Smith and Jane Roe\nApril 16, 2025 10:05 AM EDT\n\n"
        "WASHINGTON/TOKYO (Reuters) – Japan will begin tariff talks.\n\n"
        "Officials met.\n\n(Reporting by Jane Roe; Editing by Ann Lee)"
    )
    wire = parse_wire(text)
    assert wire.byline == ["Daniel Smith", "Jane Roe"]
    assert wire.dateline == ["WASHINGTON", "TOKYO"]
    assert wire.agency == "Reuters"
    assert spans_text(text, wire.spans) == [
        "By Daniel Smith and Jane Roe\nApril 16, 2025 10:05 AM EDT",
        "WASHINGTON/TOKYO (Reuters) –",
        "(Reporting by Jane Roe; Editing by Ann Lee)",
    ]
    assert wire.spans == sorted(wire.spans)


@pytest.mark.parametrize("text", ["", "   \n\n  ", "x", "(", ")", "By", "\r\n\r\n"])
def test_wire_degenerate_inputs(text):
    wire = parse_wire(text)
    assert wire.spans == [] or all(0 <= s < e <= len(text) for s, e in wire.spans)


def test_wire_windows_newlines():
    text = "By Jane Roe\r\n\r\nBRUSSELS — The EU said.\r\nEditing by John Doe\r\n"
    assert spans_text(text, parse_wire(text).spans) == ["By Jane Roe", "BRUSSELS —", "Editing by John Doe"]


def test_wire_is_fast_on_long_text():
    text = "WASHINGTON (Reuters) - " + ("Japan said tariffs would rise by 24% on Monday. " * 100_000) + "(Editing by Ann Lee)"
    started = time.perf_counter()
    wire = parse_wire(text)
    assert time.perf_counter() - started < 0.5
    assert len(wire.spans) == 2


@pytest.mark.parametrize(
    "text,day",
    [
        ("By Jane Roe\nApril 16, 2025 10:05 AM EDT\n\nTOKYO (Reuters) - Japan said it would talk.", "2025-04-16"),
        ("By Jane Roe\n2025-04-16T10:05:00Z\n\nJapan said it would talk.", "2025-04-16"),
        ("TOKYO, April 16, 2025 (Reuters) - Japan said it would talk.", "2025-04-16"),
        ("Washington, D.C., 16 April 2025 — Officials met.", "2025-04-16"),
        ("Beijing, Apr. 9, 2025 (Xinhua) - China said it would respond.", "2025-04-09"),
        # A dateline without its year gives no day: any year would be a guess.
        ("WASHINGTON, April 16 (Reuters) - Officials met.", None),
        ("TOKYO (Reuters) - Japan said on April 16, 2025 it would talk.", None),  # a date in the story is not its day
        ("Japan said on Wednesday it would talk.", None),
    ],
)
def test_wire_date_of_writing(text, day):
    assert parse_wire(text).date == day


@pytest.mark.parametrize(
    "authors,names",
    [
        ("Lucia Ortega", ["Lucia Ortega"]),
        ("Jane Roe; John Doe", ["Jane Roe", "John Doe"]),  # trafilatura's join
        ("Jane Roe, Reuters", ["Jane Roe"]),
        ("Staff writers", []),
        ("jane", []),
    ],
)
def test_wire_byline_names_from_author_metadata(authors, names):
    from extractor.ingest.wire import byline_names

    assert byline_names(authors) == names
