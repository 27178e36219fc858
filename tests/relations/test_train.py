import pytest

from extractor.relations.data import LABELS
from extractor.relations.train import calibrate

NONE, IMPOSER, TARGET, SERVES = (LABELS.index(label) for label in LABELS)


@pytest.mark.parametrize(
    "gold,pred,rule,expected",
    [
        # The model is right where it is sure, the rules where it is not: the most cautious of the
        # thresholds in between wins.
        ([IMPOSER, TARGET, NONE], [(IMPOSER, 0.85), (IMPOSER, 0.55), (NONE, 0.95)], ["none", "target", "none"], (0.8, 1.0)),
        # The model is always right, the rules never: the model always decides.
        ([IMPOSER, TARGET], [(IMPOSER, 0.4), (TARGET, 0.45)], ["none", "none"], (0.0, 1.0)),
        # The rules are always right: the model never overrides them.
        ([IMPOSER, TARGET], [(TARGET, 0.99), (TARGET, 0.97)], ["imposer", "target"], (None, 1.0)),
    ],
)
def test_train_calibrate_picks_best_combination(gold, pred, rule, expected):
    assert calibrate(gold, pred, ["tariff"] * len(gold), rule) == {"tariff": expected}


def test_train_calibrate_is_per_task():
    result = calibrate([SERVES, IMPOSER], [(NONE, 0.99), (IMPOSER, 0.99)], ["official", "tariff"], ["serves", "none"])
    assert result == {"official": (None, 1.0), "tariff": (0.95, 1.0)}
