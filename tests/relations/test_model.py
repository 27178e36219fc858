import json
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

from spacy.language import Language

from extractor.api import Extractor
from extractor.cli import app
from extractor.events.tariffs import TariffFinder
from extractor.relations.component import LearnedRoles, make_roles

LEARNED_CONFIG = str(Path(__file__).resolve().parents[2] / "configs" / "learned-roles.cfg")


class StubClassifier:
    """Answers each pair of a task with `answer(text)`, or one fixed label (None: abstain)."""

    def __init__(self, tariff=None, official=None):
        self.answers = {"tariff": tariff, "official": official}
        self.seen = []

    def decide(self, texts, task, rule_roles=None):
        self.seen.extend(texts)
        answer = self.answers[task]
        return [answer(t) if callable(answer) else answer for t in texts]


@pytest.fixture(scope="module")
def extractor():
    return Extractor.from_config()


@Language.factory("tariffwire_test_stub_roles")
def make_stub_roles(nlp, name):
    return LearnedRoles(None, TariffFinder())


def _tariffs(extractor, classifier, article):
    """The outcome and tariffs of the article, with a role component deciding by `classifier` (None: none)."""
    nlp = extractor.nlp
    if classifier is not None:
        nlp.add_pipe("tariffwire_test_stub_roles", name="stub_roles", before="tariffwire_tariffs").classifier = classifier
    try:
        (outcome,) = extractor.process_batch([extractor.to_article(article)])
    finally:
        if "stub_roles" in nlp.pipe_names:
            nlp.remove_pipe("stub_roles")
    return outcome, sorted((e.rate, e.imposer, tuple(e.targets)) for e in outcome.events if e.type == "tariff")


def test_model_learned_roles_abstaining_keeps_rule_roles(extractor, gold_records):
    from tests.relations.conftest import ARTICLES

    _, expected = _tariffs(extractor, None, ARTICLES[0])
    stub = StubClassifier()
    _, got = _tariffs(extractor, stub, ARTICLES[0])
    assert got == expected
    assert any("[R]25%[/R]" in t for t in stub.seen) and any("[P]" in t for t in stub.seen)


def test_model_learned_roles_override_rule_roles(extractor):
    from tests.relations.conftest import ARTICLES

    # The model (here a stub) reverses the rules' reading of the first sentence.
    def reverse(text):
        return "imposer" if "[C]Chinese[/C]" in text else "target"

    _, got = _tariffs(extractor, StubClassifier(tariff=reverse), ARTICLES[0])
    assert (25.0, "CHN", ("USA",)) in got
    assert (25.0, "USA", ("CHN",)) not in got


@pytest.mark.parametrize(
    "answer,expected",
    [
        # The rules read "Canada will put ... on U.S. steel, Finance Minister Bill Morneau said" as a
        # Canadian official (the sentence's first country); a model that says the U.S. one serves
        # overrides them, which shows the model's answer is used (here against the right reading).
        (None, "CAN"),
        (lambda text: "serves" if "[C]U.S.[/C]" in text else "none", "USA"),
        # Two countries "serve": no clear answer, the rule country stays.
        ("serves", "CAN"),
    ],
)
def test_model_learned_roles_places_officials(extractor, answer, expected):
    from tests.relations.conftest import ARTICLES

    outcome, _ = _tariffs(extractor, StubClassifier(official=answer), ARTICLES[1])
    assert {(o.name, o.country) for o in outcome.record.officials} == {("Bill Morneau", expected)}


def test_model_component_refuses_a_directory_without_metadata(tmp_path):
    from extractor.errors import TariffwireError

    with pytest.raises(TariffwireError, match="relations.json"):
        make_roles(spacy.blank("en"), "tariffwire_roles", str(tmp_path), 12)


@pytest.mark.slow
def test_model_train_cli_then_extract_learned(tiny_base, corpus, tmp_path):
    articles, gold = corpus
    out = tmp_path / "relations"
    runner = CliRunner()
    result = runner.invoke(app, ["train", "relations", "--gold", str(gold), "--corpus", str(articles), "--base", str(tiny_base),
                                 "--out", str(out), "--epochs", "1", "--val-fraction", "0.34", "--seed", "3", "-q"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "relations.json").read_text())
    assert meta["pairs"]["train"] > 0 and meta["pairs"]["validation"] > 0
    assert len(meta["validation_articles"]) == 1
    assert not set(meta["train_articles"]) & set(meta["validation_articles"])
    assert set(meta["validation"]) <= {"tariff", "official"} and meta["validation"]
    assert (out / "tokenizer.json").exists() and (out / "config.json").exists()

    pred = tmp_path / "pred"
    result = runner.invoke(app, ["extract", str(articles), "-o", str(pred), "-q", "-c", LEARNED_CONFIG,
                                 f"--paths.relations_model={out}"])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in (pred / "events.jsonl").read_text().splitlines()]
    tariffs = [e for e in events if e["type"] == "tariff"]
    assert {e["rate"] for e in tariffs} >= {25.0, 10.0, 15.0}
    assert all(e["imposer"] for e in tariffs)
    result = runner.invoke(app, ["evaluate", "--gold", str(gold), "--pred", str(pred)])
    assert result.exit_code == 0 and "tariffs" in result.output


@pytest.mark.slow
def test_model_learned_classifier_loads_once(tiny_base, corpus, tmp_path):
    from extractor.relations.train import train_relations

    articles, gold = corpus
    out = tmp_path / "relations"
    train_relations(Extractor.from_config(), [str(gold)], [str(articles)], str(tiny_base), str(out), epochs=1, val_fraction=0.0)
    first = make_roles(spacy.blank("en"), "tariffwire_roles", str(out), 12)
    second = make_roles(spacy.blank("en"), "tariffwire_roles", str(out), 8)
    assert first.classifier is second.classifier
    assert second.rules.cue_window == 8
    decided = first.classifier.decide(["A [R]25%[/R] tariff on [C]Chinese[/C] goods."], "tariff")
    assert decided[0] in (None, "none", "imposer", "target")


def test_model_rules_only_contexts_leave_out_the_configured_role_classifier(tmp_path):
    # Configs name the factory with its version ("tariffwire_roles_v1"); training pairs must still
    # come from the rules alone, or a model would be trained on its own decisions.
    from tests.relations.conftest import ARTICLES, relations_model

    learned = Extractor.from_config(LEARNED_CONFIG, {"paths.relations_model": str(relations_model(tmp_path / "m", 1))})
    (roles,) = [learned.nlp.get_pipe(n) for n in learned.nlp.pipe_names if isinstance(learned.nlp.get_pipe(n), LearnedRoles)]
    roles.classifier = stub = StubClassifier()
    article = learned.to_article(ARTICLES[0])
    list(learned.contexts([article], rules_only=True))
    assert stub.seen == []
    list(learned.contexts([article]))
    assert stub.seen


@pytest.mark.slow
def test_model_train_tariff_task_with_rule_role_feature(tiny_base, corpus, tmp_path):
    from extractor.relations.train import train_relations

    articles, gold = corpus
    out = tmp_path / "relations"
    meta = train_relations(Extractor.from_config(), [str(gold)], [str(articles)], str(tiny_base), str(out), epochs=1,
                           val_fraction=0.34, seed=3, rule_role_feature=True, tasks=("tariff",))
    assert meta["rule_role_feature"] is True
    assert meta["min_confidence"]["official"] is None  # not learned: the rules keep it
    assert set(meta["validation"]) == {"tariff"}
    roles = make_roles(spacy.blank("en"), "tariffwire_roles", str(out), 12)
    assert roles.classifier.rule_role_feature
    assert roles.classifier.decide(["A [R]25%[/R] tariff on [C]Chinese[/C] goods."], "official", ["serves"]) == [None]
