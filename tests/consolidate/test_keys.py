import pytest

from extractor.consolidate.keys import (
    date_belongs_to_rate,
    measure_name,
    products_key,
    scope_of_rate,
    targets_key,
    total_cue,
)


@pytest.mark.parametrize("products,key", [
    (["aluminium"], ("aluminum",)),
    (["steel", "aluminum"], ("aluminum", "steel")),
    (["aluminium", "steel products"], ("aluminum", "steel")),
    (["autos"], ("cars",)),
    (["vehicles", "cars"], ("cars",)),
    (["Automobiles"], ("cars",)),
    ([], ()),
    (["lumber"], ("lumber",)),
])
def test_keys_products_one_scope_whatever_the_spelling(products, key):
    assert products_key(products) == key


@pytest.mark.parametrize("targets,key", [(["MEX", "CAN"], ("CAN", "MEX")), (["ALL", "CAN"], ("ALL",)), ([], ())])
def test_keys_targets_sorted_all_absorbs(targets, key):
    assert targets_key(targets) == key


@pytest.mark.parametrize("text,rate,name", [
    ("the 20% fentanyl tariff and the 125% reciprocal tariff", 20.0, "fentanyl"),
    ("the 20% fentanyl tariff and the 125% reciprocal tariff", 125.0, "reciprocal"),
    ("Section 232 duties of 25% on steel", 25.0, "section 232"),
    ("Canada retaliated with 25% counter-tariffs", 25.0, "countermeasures"),
    ("tariffs under Section 301 rose to 50%", 50.0, "section 301"),
    ("a 25% tariff on steel", 25.0, None),
    ("reciprocal tariffs were paused", None, "reciprocal"),
])
def test_keys_measure_name_nearest_cue_to_the_rate(text, rate, name):
    assert measure_name(text, rate) == name


@pytest.mark.parametrize("text,rate,expected", [
    ("Chinese goods face tariffs of 145% in all.", 145.0, True),
    ("a combined 50% duty", 50.0, True),
    ("bringing the total to 145%", 145.0, True),
    ("a total of 54% on Chinese imports", 54.0, True),
    ("the reciprocal tariff rose to 125% on Thursday", 125.0, False),
    ("a combined 145% duty, after the 125% reciprocal rate took effect", 125.0, False),
    ("the 20% levy; in all, 145%", 20.0, False),
])
def test_keys_total_cue_next_to_the_rate(text, rate, expected):
    assert total_cue(text, rate) is expected


@pytest.mark.parametrize("text,rate,products,expected", [
    ("a 25 percent tariff on imported steel and a 10 percent tariff on imported aluminum", 10.0,
     ["steel", "aluminum"], ["aluminum"]),
    ("an additional 25% duty on steel and 10% on aluminium", 25.0, ["steel", "aluminium"], ["steel"]),
    ("tariffs of 25% on steel and aluminum", 25.0, ["steel", "aluminum"], ["steel", "aluminum"]),
    ("steel and aluminum duties of 25% and 10%", 10.0, ["steel", "aluminum"], ["steel", "aluminum"]),
])
def test_keys_scope_of_rate_in_a_sentence_of_several_rates(text, rate, products, expected):
    assert scope_of_rate(text, rate, products) == expected


@pytest.mark.parametrize("text,rate,imposer,name", [
    # a cue about another country's answer to the imposer names no measure of the imposer
    ("Canada had no choice but to respond in a reciprocal way to the U.S. tariffs of 25 per cent on steel.",
     25.0, "USA", None),
    ("The United States will lower its reciprocal tariff on Chinese products to 10 percent, while China "
     "will reduce its retaliatory duty on U.S. goods to 10 percent.", 10.0, "CHN", "countermeasures"),
    ("The United States will lower its reciprocal tariff on Chinese products to 10 percent, while China "
     "will reduce its retaliatory duty on U.S. goods to 10 percent.", 10.0, "USA", "reciprocal"),
    ("the 125 percent reciprocal duty plus the 20 percent tariff imposed earlier this year over fentanyl", 20.0,
     "USA", "fentanyl"),
])
def test_keys_measure_name_reads_the_clause(text, rate, imposer, name):
    assert measure_name(text, rate, imposer) == name


@pytest.mark.parametrize("text,rate,date_text,belongs", [
    ("the duty began at 10% on February 4 and was doubled to 20% on March 4", 10.0, "March 4", False),
    ("the duty began at 10% on February 4 and was doubled to 20% on March 4", 20.0, "March 4", True),
    ("a 25% duty took effect on Tuesday", 25.0, "Tuesday", True),
])
def test_keys_date_belongs_to_the_nearest_rate(text, rate, date_text, belongs):
    start = text.index(date_text)
    assert date_belongs_to_rate(text, rate, (start, start + len(date_text))) is belongs


def test_name_clauses_come_from_the_shared_segmentation():
    from extractor.consolidate.keys import _clauses, measure_name

    # A sentence end bounds a cue; an abbreviation ("U.S.") does not end the sentence.
    text = "The U.S. duty of 25% on widgets stays. Officials separately discussed fentanyl controls."
    assert measure_name(text, 25.0, "USA") is None
    assert len(_clauses(text)) == 2
    # A participle phrase after the rate stays in its clause: the cue there names the rate.
    assert measure_name("The 25% duty on widgets, imposed on national security grounds, stays.", 25.0, "USA") == "section 232"
    # A contrast clause belongs to another rate.
    assert measure_name("Widgets pay 25%, while gadgets pay 10% under the fentanyl order.", 25.0, "USA") is None
