"""Ensembles of role classifiers and the rule-role feature, on tiny untrained models made here."""
import pytest

from extractor.errors import TariffwireError
from extractor.relations.data import LABELS, RULE_ROLE_OTHER, with_rule_role
from extractor.relations.model import RoleClassifier, RoleEnsemble, ensemble_threshold, load_classifier, model_dirs
from tests.relations.conftest import relations_model

TEXTS = ["A [R]25%[/R] tariff on [C]Chinese[/C] goods.", "[C]Canada[/C] put [R]10%[/R] duties on steel."]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    root = tmp_path_factory.mktemp("ensemble")
    for seed, tariff in ((1, 0.0), (2, 0.6), (3, None)):
        relations_model(root / f"seed-{seed}", seed, tariff=tariff)
    (root / "notes").mkdir()  # not a model: skipped
    return root


def test_ensemble_model_dirs_reads_parent_and_comma_lists(seeds):
    members = [str(seeds / f"seed-{s}") for s in (1, 2, 3)]
    assert model_dirs(str(seeds)) == members
    assert model_dirs(f"{members[0]}, {members[2]}") == [members[0], members[2]]
    assert model_dirs(members[1]) == [members[1]]


def test_ensemble_averages_member_probabilities(seeds):
    ensemble = load_classifier(str(seeds))
    assert isinstance(ensemble, RoleEnsemble) and len(ensemble.members) == 3
    rows = [m.probabilities(TEXTS, "tariff", ["none", "none"]) for m in ensemble.members]
    assert rows[0] != rows[1]  # the members disagree, else averaging proves nothing
    averaged = ensemble.probabilities(TEXTS, "tariff", ["none", "none"])
    for i, row in enumerate(averaged):
        assert row == pytest.approx([sum(r[i][k] for r in rows) / 3 for k in range(len(LABELS))])
        # Labels outside the task stay impossible after averaging.
        assert row[LABELS.index("serves")] == pytest.approx(0.0, abs=1e-6)
        assert sum(row) == pytest.approx(1.0)


def test_ensemble_single_directory_is_one_classifier(seeds):
    assert isinstance(load_classifier(str(seeds / "seed-1")), RoleClassifier)


def test_ensemble_without_models_is_a_config_error(tmp_path):
    with pytest.raises(TariffwireError, match="names no relations model"):
        load_classifier(str(tmp_path))


@pytest.mark.parametrize(
    "thresholds,expected",
    [
        ([0.0, 0.6, None], 0.6),
        ([None, None, 0.5], None),  # most members were calibrated never to decide
        ([0.9], 0.9),
        ([0.5, 0.7], 0.7),  # an even count takes the more cautious middle
        ([0.5, None], None),
    ],
)
def test_ensemble_threshold_is_cautious_median(thresholds, expected):
    assert ensemble_threshold(thresholds) == expected


def test_ensemble_decides_with_median_threshold(seeds):
    ensemble = load_classifier(str(seeds))
    assert ensemble.min_confidence == {"tariff": 0.6, "official": None}
    assert ensemble.decide(TEXTS, "official") == [None, None]
    decided = ensemble.decide(TEXTS, "tariff")
    for label, row in zip(decided, ensemble.probabilities(TEXTS, "tariff", ["none", "none"])):
        assert label == (LABELS[row.index(max(row))] if max(row) >= 0.6 else None)


def test_rule_role_feature_leads_the_text():
    assert with_rule_role("a [R]5%[/R] duty", "target") == "[RULE_TARGET] a [R]5%[/R] duty"
    assert with_rule_role("x", "something new").startswith(RULE_ROLE_OTHER + " ")


def test_rule_role_feature_reaches_the_model_only_when_trained_with_it(tmp_path):
    with_feature = RoleClassifier(str(relations_model(tmp_path / "f", 1, rule_role_feature=True)))
    without = RoleClassifier(str(relations_model(tmp_path / "p", 1)))
    # Same weights: only the leading rule token can make the two readings differ.
    assert with_feature.probabilities(TEXTS, "tariff", ["imposer", "target"]) != \
        with_feature.probabilities(TEXTS, "tariff", ["none", "none"])
    assert without.probabilities(TEXTS, "tariff", ["imposer", "target"]) == \
        without.probabilities(TEXTS, "tariff", ["none", "none"])
