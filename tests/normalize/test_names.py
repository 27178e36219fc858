"""normalise_name: styles of address and post-nominal letters are not part of a name."""
import pytest

from extractor.normalize.names import honorific_length, normalise_name


@pytest.mark.parametrize("raw,expected", [
    ("the Honourable Claire Dubois", "Claire Dubois"),
    ("the Rt Hon Jane Roe MP", "Jane Roe"),
    ("Datuk Seri Hamid Rahman", "Hamid Rahman"),
    ("Mr Vusi Ndlovu", "Vusi Ndlovu"),
    ("Peter  Gray AC’s", "Peter Gray"),
    # must not strip: a surname that is also part of a style, a given name like a style
    ("Tan Wei Ming", "Tan Wei Ming"),
    ("Sri Rahayu", "Sri Rahayu"),
    ("Hon", "Hon"),
])
def test_normalise_name_drops_styles(raw, expected):
    assert normalise_name(raw) == expected


def test_honorific_length_needs_an_honorific_after_the():
    assert honorific_length(["the", "Hon", "Jane"]) == 2
    assert honorific_length(["the", "Minister"]) == 0
