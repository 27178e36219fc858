"""The sentences component on hand-built Docs: one segmentation, wire metadata trimmed, sentence starts set."""
import pytest

from tests.pipeline_support import hand_doc


@pytest.mark.parametrize(
    "text,expected",
    [
        ("U.S. officials met. The talks ended.", ["U.S. officials met.", "The talks ended."]),
        ("Tariffs rose 10%. Gov. Ford said so.", ["Tariffs rose 10%.", "Gov. Ford said so."]),
        ("One line\nAnother line", ["One line", "Another line"]),
        # the dateline is cut off the lead sentence; the credits line is wire metadata
        ("WASHINGTON (Reuters) - Japan is talking.\n(Reporting by Ann Lee; Editing by Bo Chan)", ["Japan is talking."]),
    ],
)
def test_sentences_segments_on_the_doc(text, expected):
    doc = hand_doc(text, ["tariffwire_sentences"])
    assert [text[s:e] for s, e in doc._.tw_segments.sentences] == expected


def test_sentences_marks_sentence_starts_for_doc_sents():
    doc = hand_doc("Canada will act. Mexico said yes.", ["tariffwire_sentences"])
    assert [s.text for s in doc.sents] == ["Canada will act.", "Mexico said yes."]
