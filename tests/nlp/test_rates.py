"""The rates component on hand-built Docs: every plausible percentage, outside wire spans."""
import pytest

from tests.pipeline_support import hand_doc


@pytest.mark.parametrize(
    "text,expected",
    [
        ("A 25% tariff and a 10 percent levy.", [("25%", 25.0), ("10 percent", 10.0)]),
        ("Rates of 10 to 15 percent apply.", [("10", 10.0), ("15 percent", 15.0)]),
        ("Stocks fell -3% and 5000% is absurd.", []),
    ],
)
def test_rates_component_writes_every_plausible_percentage(text, expected):
    doc = hand_doc(text, ["tariffwire_sentences", "tariffwire_rates"])
    assert [(s.text, s._.value) for s in doc.spans["tw_rates"]] == expected


def test_rates_component_span_inside_a_token_widens_and_keeps_exact_offsets():
    from extractor.nlp.extensions import mention_of

    text = "Rates of 10%-15% apply."
    doc = hand_doc(text, ["tariffwire_sentences", "tariffwire_rates"])
    mentions = doc._.tw_context.percentages
    assert [(text[m.start:m.end], m.value) for m in mentions] == [("10%", 10.0), ("15%", 15.0)]
    assert all(span.start_char <= m.start and m.end <= span.end_char
               for span in doc.spans["tw_rates"] for m in [mention_of(span)])
