import pytest

from extractor.consolidate.keys import measure_name, products_key, targets_key, total_cue


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
