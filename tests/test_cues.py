"""The cue-lexicon loader: word lists and patterns from data, compiled once."""
import pytest

from extractor.cues import compile_cues, cue_patterns
from extractor.errors import TariffwireError


def test_word_list_matches_whole_words_case_insensitively_and_any_whitespace():
    cues = compile_cues({"words": {"trigger": ["talks", "trade dialogue"]}})
    assert cues["trigger"].search("Formal TALKS resumed")
    assert cues["trigger"].search("a trade\n dialogue began")
    assert not cues["trigger"].search("the talkshow aired")


def test_pattern_expands_named_word_lists_and_keeps_its_structure():
    spec = {"words": {"cut": ["cut", "lower", "roll back"]},
            "patterns": {"agreed_to_cut": r"\bagreed\s+to\s+(?:{cut})\b"}}
    cues = compile_cues(spec)
    assert cues["agreed_to_cut"].search("They agreed to roll back duties")
    assert not cues["agreed_to_cut"].search("They agreed to meet")


def test_case_sensitive_cues_stay_case_sensitive():
    cues = compile_cues({"words": {"acronym": ["US"]}, "case_sensitive": ["acronym"]})
    assert cues["acronym"].search("the US said")
    assert not cues["acronym"].search("let us say")


def test_unknown_list_and_bad_regex_name_the_file_and_cue():
    with pytest.raises(TariffwireError, match=r"x\.json: patterns\.p names an unknown word list \{nope\}"):
        compile_cues({"patterns": {"p": "{nope}"}}, source="x.json")
    with pytest.raises(TariffwireError, match=r"patterns\.q is not a valid regular expression"):
        compile_cues({"patterns": {"q": "(unclosed"}})
    with pytest.raises(TariffwireError, match="both a word list and a pattern"):
        compile_cues({"words": {"a": ["x"]}, "patterns": {"a": "x"}})
    with pytest.raises(TariffwireError, match="non-empty strings"):
        compile_cues({"words": {"a": ["x", ""]}})


def test_missing_lexicon_names_language_and_path():
    with pytest.raises(TariffwireError, match=r"data/cues/xx/nothing\.json"):
        cue_patterns("nothing", lang="xx")


def test_every_shipped_lexicon_compiles():
    from importlib import resources
    root = resources.files("extractor").joinpath("data", "cues")
    seen = set()
    for lang in root.iterdir():
        for file in lang.iterdir():
            if file.name.endswith(".json"):
                assert cue_patterns(file.name[:-5], lang=lang.name), file.name
                seen.add((lang.name, file.name[:-5]))
    # The components' own lexicons are among them (an empty or moved folder must not pass).
    assert {("en", "dates"), ("en", "talks"), ("en", "tariffs")} <= seen


@pytest.mark.parametrize("factory,lexicon", [("tariffwire_talks", "talks"), ("tariffwire_dates", "dates"),
                                             ("tariffwire_tariffs", "tariffs")])
def test_components_take_the_lexicons_of_the_pipelines_language(factory, lexicon, monkeypatch):
    """A component reads data/cues/<nlp.lang>/: a pipeline in a language with no lexicon is refused
    when it is built, naming the folder, and one with a lexicon gets that language's cues."""
    import spacy

    import extractor.pipeline  # noqa: F401  (registers the factories)
    from extractor import cues
    from extractor.errors import TariffwireError

    with pytest.raises(TariffwireError, match=rf"data/cues/de/{lexicon}\.json"):
        spacy.blank("de").add_pipe(factory)
    asked = []
    real = cues.cue_patterns.__wrapped__

    def recording(name, lang="en"):
        asked.append((name, lang))
        return real(name, "en")  # stands in for a German lexicon folder

    monkeypatch.setattr("extractor.events.talks.cue_patterns", recording)
    monkeypatch.setattr("extractor.nlp.dates.cue_patterns", recording)
    monkeypatch.setattr("extractor.events.tariffs.cue_patterns", recording)
    spacy.blank("de").add_pipe(factory)
    assert (lexicon, "de") in asked
