"""The dates' cue words are data (issue 12): the modules read them from data files, not literals."""
import json
import re
from pathlib import Path

from extractor.cues import cue_patterns
from extractor.nlp import dates as dates_component
from extractor.normalize import dates

DATA = Path(dates.__file__).resolve().parents[1] / "data"


def test_measure_cues_come_from_the_cue_file(monkeypatch):
    import datetime as dt
    import re

    from extractor.segment import segment

    cues = cue_patterns("dates")
    text = "The two sides agreed a pause of 90 days on the new duties."
    kept = dates_component.article_dates(text, dt.date(2025, 5, 12), segment(text))
    assert [d.grain for d in kept] == ["duration"]
    # The component reads the measure words from the lexicon it is given: without them, the same
    # duration is the length of nothing.
    blind = dict(cues, measure_word=re.compile(r"(?!)"))
    monkeypatch.setattr(dates_component, "cue_patterns", lambda name, lang="en": blind)
    assert dates_component.article_dates(text, dt.date(2025, 5, 12), segment(text)) == []
    spec = json.loads((DATA / "cues" / "en" / "dates.json").read_text("utf-8"))
    # every listed stem is found by the compiled cue, inside a longer word too ("paused")
    for stem in spec["words"]["measure_stems"]:
        assert cues["measure_word"].search(f"the {stem}d one"), stem


def test_word_tables_come_from_dates_json():
    spec = json.loads((DATA / "dates.json").read_text("utf-8"))
    assert dates._MONTH_PREPOSITIONS == {w.lower() for w in spec["month_prepositions"]}
    assert dates._NAMED_DAY_RELATIVES == spec["named_day_relatives"]
    assert dates._QUARTER_RELATIVES == spec["quarter_relatives"]


def test_no_word_list_literals_left_in_the_dates_modules():
    """A frozenset or tuple of three or more quoted words in the module source is a word list that
    belongs in the data files."""
    literal_list = re.compile(r"""(?:frozenset\(|in\s+\()\s*(?:"[a-z ]+"\s*,\s*){2,}""")
    for module in (dates, dates_component):
        source = Path(module.__file__).read_text("utf-8")
        assert not literal_list.search(source), module.__name__
