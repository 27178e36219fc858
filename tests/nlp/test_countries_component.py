"""The countries component on hand-built Docs: span group, ISO codes, the place rule, wire spans."""
import pytest

from tests.pipeline_support import hand_doc


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Japanese exports to the United States fell.", [("Japanese", "JPN", True), ("United States", "USA", True)]),
        ("Officials held talks in Tokyo on Monday.", [("Tokyo", "JPN", False)]),
        ("Washington has said Brussels must act.", [("Washington", "USA", True), ("Brussels", "EU", True)]),
        ("TOKYO (Reuters) - Canada replied.", [("Canada", "CAN", True)]),
    ],
)
def test_countries_component_writes_spans_with_iso3(text, expected):
    doc = hand_doc(text, ["tariffwire_sentences", "tariffwire_countries"])
    assert [(s.text, s._.iso3, s._.counts) for s in doc.spans["tw_countries"]] == expected
    assert {s.label_ for s in doc.spans["tw_countries"]} <= {"tw_countries"}
