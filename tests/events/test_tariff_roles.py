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


@pytest.mark.parametrize(
    "text,expected",
    [
        # a relative clause or a prospective verb before the target verb: the state is hit
        ("Japan is set to face a 25% tariff on its goods if no deal is reached, Washington said.",
         {(25.0, "USA", ("JPN",))}),
        ("The EU will hold off on its countermeasures against the United States. The bloc, which had "
         "faced a 20% tariff, welcomed the step by Trump.", {(20.0, "USA", ("EU",))}),
        # must not fire: a relative clause that imposes, a prospective verb that imposes
        ("Canada, which has imposed 25% tariffs on U.S. steel, welcomed the talks.", {(25.0, "CAN", ("USA",))}),
        ("Brazil is set to impose a 10% levy on American ethanol.", {(10.0, "BRA", ("USA",))}),
    ],
)
def test_target_after_relative_or_prospective_verb(text, expected):
    assert tariffs(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # states inside a treaty's name play no role
        ("Ottawa will charge a 25% tariff on vehicles from the United States that do not meet the rules "
         "of the Canada-United States-Mexico Agreement.", {(25.0, "CAN", ("USA",))}),
        ("The president exempted goods covered by the United States-Mexico-Canada Agreement from his 25% "
         "tariffs on Canada and Mexico.", {(25.0, "USA", ("CAN", "MEX"))}),
        # must not fire: a state before a lower-case "agreement" keeps its role
        ("Mexico imposed a 10% duty on U.S. pork despite an agreement with Washington.", {(10.0, "MEX", ("USA",))}),
    ],
)
def test_states_in_a_treaty_name(text, expected):
    assert tariffs(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # the passive agent right after the rate's tariff noun levies it
        ("Mexico said it will answer the 25% tariffs imposed by the United States with its own duties on "
         "American goods.", {(25.0, "USA", ("MEX",))}),
        ("Brazil will retaliate against 50% duties announced by Washington last week.", {(50.0, "USA", ("BRA",))}),
        # must not fire: an agent that is not the tariff's ("a step welcomed by Mexico")
        ("Canada imposed 25% duties on U.S. goods, a step welcomed by Mexico.", {(25.0, "CAN", ("USA",))}),
        # "moving forward with" levies
        ("In response to the U.S. duties, the Government of Canada is moving forward with 25% tariffs on "
         "American goods.", {(25.0, "CAN", ("USA",))}),
        ("Canada is moving its embassy while the U.S. keeps 25% tariffs on Canadian goods.", {(25.0, "USA", ("CAN",))}),
    ],
)
def test_who_levies_the_rate(text, expected):
    assert tariffs(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # a duty on a product's imports, no state named: every supplier
        ("Trump signed orders to impose a 25% tariff on steel and aluminum imports, officials said.",
         {(25.0, "USA", ("ALL",))}),
        # no state but the imposer anywhere: every supplier, not an empty target list
        ("Section 232 tariffs of 25% on steel and 10% on aluminum remain.", {(25.0, "USA", ("ALL",)), (10.0, "USA", ("ALL",))}),
        # rates listed together share their targets; "the 10% minimum" is the every-country duty
        ("The U.S. will impose a 35% tariff on Canadian goods. Trump also said most other partners could face "
         "blanket tariffs of 15% or 20%.", {(35.0, "USA", ("CAN",)), (15.0, "USA", ("ALL",)), (20.0, "USA", ("ALL",))}),
        ("The U.S. put a 25% tariff on Mexican trucks. Britain, which got away with the 10% minimum, said little.",
         {(25.0, "USA", ("MEX",)), (10.0, "USA", ("ALL",))}),
        # must not fire: a state after the product imports, or as the goods' origin
        ("The president's 25% tariff on steel imports from Canada took effect.", {(25.0, "USA", ("CAN",))}),
        ("Washington put a 25% tariff on Japanese steel imports.", {(25.0, "USA", ("JPN",))}),
    ],
)
def test_every_supplier(text, expected):
    assert tariffs(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # member states' goods on an EU-wide list are an EU target
        ("Washington will put 25% tariffs on European Union goods, including French wine and German cars.",
         {(25.0, "USA", ("EU",))}),
        # must not fire: a member state's own rate next to an EU one
        ("Washington will put 25% tariffs on French wine and a 10% duty on EU cheese.",
         {(25.0, "USA", ("FRA",)), (10.0, "USA", ("EU",))}),
    ],
)
def test_member_states_on_an_eu_list(text, expected):
    assert tariffs(text) == expected



def test_release_naming_no_country_takes_its_issuer_as_imposer():
    # A government's own notice names no country, only the body issuing it in its header: the
    # duties it announces are that government's (officials.issuer_country reads the header).
    body = "Additional duties of 15% on imported soybeans and pork will apply from March 10, the announcement said."
    assert {(rate, imposer) for rate, imposer, _ in tariffs("MOFCOM\nAnnouncement No. 5 of 2025\n" + body)} == {(15.0, "CHN")}
    # Without an issuer the component's default imposer (the configured one) stays.
    assert {imposer for _, imposer, _ in tariffs(body)} != {"CHN"}
