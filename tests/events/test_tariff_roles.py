"""Tariff roles, round 2: sentences written for these tests (no corpus or real-article text)."""

import pytest

from tests.events.test_tariffs import tariffs


@pytest.mark.parametrize(
    "text,expected",
    [
        # The partner's answer in the next clause does not make it the imposer of the new rate: the
        # role in the rate's own clause ("on Canada") decides, for the old and the new rate alike.
        ("Washington this week took the duty on Canada from 10% to 20%, after Canada retaliated.",
         {(10.0, "USA", ("CAN",)), (20.0, "USA", ("CAN",))}),
        # must not fire: the imposer role is in the rate's clause, the target role outside it
        ("Canada this week put a 25% duty on U.S. steel, after Canada was hit by Washington.",
         {(25.0, "CAN", ("USA",))}),
    ],
)
def test_role_in_the_rates_clause_wins(text, expected):
    assert tariffs(text) == expected
