"""Negotiation and agreement rules on sentences written for these tests."""
import pytest

from extractor.ingest.article import Article
from tests.pipeline_support import extractor


def talks(text, published="2025-04-16"):
    out = extractor().process_batch([Article(id="t", text=text, published=published)])[0]
    assert out.error is None, out.error
    return {(e.type, tuple(e.parties)) for e in out.events if e.type != "tariff"}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Mexico's economy minister held trade talks with U.S. officials in Washington on Tuesday.",
         {("negotiation", ("MEX", "USA"))}),
        # a coordinated clause inherits its subject
        ("Canadian Prime Minister Mark Carney met Trump to discuss tariffs and has invited Japan's trade minister for talks next week.",
         {("negotiation", ("CAN", "USA")), ("negotiation", ("CAN", "JPN"))}),
        # the topic of talks is not a party
        ("Spanish Prime Minister Pedro Sanchez will meet Chinese President Xi Jinping to discuss tariffs imposed on the European Union.",
         {("negotiation", ("CHN", "ESP"))}),
        ("The United States and Vietnam reached a trade deal on Wednesday.", {("agreement", ("USA", "VNM"))}),
        ("Britain and Japan have reached separate trade deals with Washington.",
         {("agreement", ("GBR", "USA")), ("agreement", ("JPN", "USA"))}),
    ],
)
def test_talks_events(text, expected):
    assert talks(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "India said it would not rush to reach a trade deal with the United States.",
        "Officials hope to strike a deal with China before the deadline, Washington said.",
    ],
)
def test_talks_hypothetical_deals_are_not_agreements(text):
    assert not any(kind == "agreement" for kind, _ in talks(text))


# -- the component on hand-built Docs (no model) ---------------------------------------------------------

from tests.pipeline_support import ALL_COMPONENTS, hand_doc  # noqa: E402


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Japan and the United States held trade talks on Friday.", [("negotiation", "held", ["JPN", "USA"])]),
        ("Britain and India signed a trade deal on Thursday.", [("agreement", "signed", ["GBR", "IND"])]),
        ("Japan and the United States held talks on Friday.", []),  # no trade vocabulary: no event
    ],
)
def test_talks_component_writes_talk_mentions(text, expected):
    doc = hand_doc(text, ALL_COMPONENTS, published="2025-04-16")
    assert [(t.type, t.status, t.parties) for t in doc._.tw_talks] == expected


# -- talks reported vs. talks only mentioned (issue 13) ---------------------------------------------------
# Sentences written for these tests; each rule has cases that fire and cases that must not.

@pytest.mark.parametrize(
    "text",
    [
        # one side's wish or long-standing aim
        "Peru has long sought to negotiate lower duties on its copper exports to South Korea, so far without success.",
        "Ghana has sought a negotiated settlement with Nigeria over the import levies since March.",
        # a demand or stance in a statement
        "The ministry urged Japan to return to trade consultations with Thailand on an equal footing.",
        "Chile said it was ready to negotiate with Argentina on the new tariffs whenever Buenos Aires wished.",
        # a hypothetical or a question
        "If trade talks between Egypt and Turkey fail, Cairo will raise its duties on Turkish steel.",
        "Will Norway and Iceland hold consultations on the fish tariffs?",
        # talks on something else than trade
        "Kenya and Ethiopia held peace talks in Nairobi on Monday as tariffs on tea rose.",
        # "round of" tariffs is no round of talks
        "Morocco answered Spain's latest round of tariffs with duties on Spanish olive oil.",
    ],
)
def test_talks_that_are_only_mentioned_are_not_negotiations(text):
    assert not any(kind == "negotiation" for kind, _ in talks(text))


@pytest.mark.parametrize(
    "text,expected",
    [
        # a request for talks is reported even with a wish word before it
        ("Vietnam has requested consultations with Australia over the new import tariffs.",
         {("negotiation", ("AUS", "VNM"))}),
        # a meeting in a trade sentence is trade talks
        ("Brazil's trade minister met his Argentine counterpart in Brasilia on Monday to discuss tariffs.",
         {("negotiation", ("ARG", "BRA"))}),
    ],
)
def test_talks_requested_or_held_still_fire(text, expected):
    assert talks(text) == expected


def test_meeting_outside_the_trade_story_without_trade_words_is_not_trade_talks():
    text = ("Turkey raised tariffs on U.S. cars to 120% on Wednesday after Washington doubled its duties on Turkish steel. "
            "The United States said Turkey's tariffs were unjustified. "
            "Qatar's emir met Turkey's president on a visit to Ankara and pledged investment.")
    assert ("negotiation", ("QAT", "TUR")) not in talks(text)


def test_an_unnamed_plural_counterpart_does_not_make_the_story_partner_a_side():
    text = ("China raised its tariffs on U.S. goods to 84% on Wednesday, answering the U.S. duties. "
            "A White House spokeswoman said dozens of governments had called to negotiate with the United States.")
    assert ("negotiation", ("CHN", "USA")) not in talks(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Peru and Chile held trade talks in Lima, which hosted the meeting of ministers, on tariffs on fruit.",
         {("negotiation", ("CHL", "PER"))}),
        ("Indian and Australian trade ministers held tariff talks hosted by Singapore on Friday.",
         {("negotiation", ("AUS", "IND"))}),
        ("Trade ministers of Kenya and Uganda met in Arusha, Tanzania, to discuss sugar tariffs.",
         {("negotiation", ("KEN", "UGA"))}),
    ],
)
def test_a_host_or_venue_country_is_not_a_side(text, expected):
    assert talks(text) == expected


# -- agreements told otherwise than "reached a deal" ------------------------------------------------------

@pytest.mark.parametrize(
    "text,expected",
    [
        # told by its result
        ("The new Mexico-Brazil agreement lowers tariffs on cars to 5% from 20%.", ("agreement", ("BRA", "MEX"))),
        ("Jordan will charge a 10% tariff on Egyptian cement under the deal, officials in Amman said.", ("agreement", ("EGY", "JOR"))),
        # "agreed to" / "agreed that" the two sides
        ("Thailand and Malaysia agreed on Tuesday to refrain from new tariffs on rubber.", ("agreement", ("MYS", "THA"))),
        ("Peru and Ecuador have agreed that tariffs on shrimp will fall to zero from June.", ("agreement", ("ECU", "PER"))),
        # headline present tense and the conclusion of negotiations (government register)
        ("Norway and Iceland Conclude Tariff Negotiations", ("agreement", ("ISL", "NOR"))),
        ("The Minister welcomed the conclusion of negotiations between the Government of Canada and Chile on tariffs.",
         ("agreement", ("CAN", "CHL"))),
    ],
)
def test_agreements_told_by_result_or_in_government_register(text, expected):
    assert expected in talks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Under a proposed deal with Egypt, Jordan would cut its tariffs on cement to 10%.",
        "Thailand and Malaysia agreed to continue negotiations on rubber tariffs next month.",
        "Negotiators from Peru and Ecuador concluded a fifth round of talks on shrimp tariffs without a deal.",
        "Chile hopes to conclude negotiations with Canada on tariffs by August.",
    ],
)
def test_deals_not_reached_are_not_agreements(text):
    assert not any(kind == "agreement" for kind, _ in talks(text))


@pytest.mark.parametrize(
    "text,expected",
    [
        # "between A and B": the others in the clause are not in the talks
        ("Poland's visit followed a video call between Japan's trade minister and Brazil's foreign minister on tariffs.",
         {("negotiation", ("BRA", "JPN"))}),
        # "its agreement with X": the owner and X, not the country compared with them
        ("Chile pays 30% while Peru obtained 10% under its agreement with the United States on tariffs.",
         {("agreement", ("PER", "USA"))}),
        # coordinated owners of "agreements with X"
        ("Exporters in Norway and Iceland, which secured lower tariffs in agreements with Canada, gained.",
         {("agreement", ("CAN", "ISL")), ("agreement", ("CAN", "NOR"))}),
    ],
)
def test_the_sides_are_those_the_phrase_names(text, expected):
    assert talks(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a treaty in force, referred to by what it does
        "Mexican avocados enter Canada duty-free under the existing free trade agreement, Ottawa said.",
        "Car parts from Peru and Chile stay exempt from tariffs under the Andean Trade Pact (ATP).",
        # one side's concession is not a deal between both
        "After a call with Mexico's president, Trump agreed that Mexican tomatoes would face lower tariffs.",
    ],
)
def test_standing_agreements_and_one_sided_concessions_are_not_agreements(text):
    assert not any(kind == "agreement" for kind, _ in talks(text))


@pytest.mark.parametrize(
    "text",
    [
        "Beijing urged the United States to resolve the tariff dispute with China through dialogue and consultation.",
        "The ministry said Washington had engaged in unilateral tariff bullying against China for years.",
    ],
)
def test_talks_named_as_a_means_or_engaged_in_are_not_negotiations(text):
    assert not any(kind == "negotiation" for kind, _ in talks(text))


def test_extended_truce_is_an_agreement_and_two_sides_that_agreed_make_one():
    assert ("agreement", ("CHN", "USA")) in talks("China and the United States extended their tariff truce by 90 days.")
    assert ("agreement", ("IND", "JPN")) in talks("India and Japan agreed on Friday that tariffs on steel will stay at 5%.")


def test_a_deal_told_by_result_among_three_countries_is_no_bilateral_deal_but_two_sides_are():
    regional = "Goods from Peru, Chile and Colombia pay no tariffs under the deal, Lima said."
    assert not any(kind == "agreement" for kind, _ in talks(regional))
    assert ("agreement", ("CHL", "PER")) in talks("Chilean copper pays 5% tariffs in Peru under the deal, Lima said.")


def test_an_acronym_named_agreement_is_a_treaty_in_force():
    assert not any(kind == "agreement" for kind, _ in talks("Canadian wheat enters Peru duty-free under the XYZFTA trade agreement, tariffs officials said."))


# -- round 2: recall (travel, "talk with", a ceasefire, "he", "with both") and asides ---------------------

@pytest.mark.parametrize(
    "text,expected",
    [
        # a trip to the other side's capital in a trade sentence is talks (scheduled)
        ("Peru raised tariffs on copper. Chile's trade minister will travel to Lima next week to press for an exemption.",
         {("negotiation", ("CHL", "PER"))}),
        # "talk with" reports talks like "speak with"
        ("Ghana's finance minister said she planned to talk with Nigerian officials about the import levies on Monday.",
         {("negotiation", ("GHA", "NGA"))}),
        # a ceasefire on tariffs is a deal
        ("Kenya and Uganda agreed a tariff ceasefire on Tuesday, officials said.",
         {("agreement", ("KEN", "UGA"))}),
        # a consensus reached by both sides is a deal
        ("Vietnam and Thailand reached a consensus on rice tariffs on Friday.",
         {("agreement", ("THA", "VNM"))}),
    ],
)
def test_talk_and_deal_words_of_round_two(text, expected):
    assert talks(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a trip with no other side, and one that is not about trade
        "Chile's trade minister will travel to the copper mines in the north next week.",
        # a ceasefire in a war is not a trade deal
        "Sudan and South Sudan agreed a military ceasefire on Tuesday as tariffs on oil rose.",
    ],
)
def test_trips_and_ceasefires_that_are_not_trade_talks(text):
    assert talks(text) == set()


def test_a_sentence_that_starts_with_he_is_the_official_named_before():
    text = ("Peru raised its tariffs on Chilean fruit to 20% on Monday. "
            "Peruvian Trade Minister Ana Quispe said Lima would seek an exemption for fish. "
            "She is due to meet Chilean officials in Santiago on Friday to discuss tariffs.")
    assert ("negotiation", ("CHL", "PER")) in talks(text)


def test_he_does_not_make_an_internal_meeting_talks():
    text = ("Peru raised its tariffs on Chilean fruit to 20% on Monday. "
            "Peruvian President Ana Quispe said Lima would answer within days. "
            "She chaired a meeting of her cabinet committee on relations with Santiago on Tuesday.")
    assert ("negotiation", ("CHL", "PER")) not in talks(text)


def test_negotiations_with_both_are_one_pair_each():
    text = ("The president delayed tariffs on cars from Japan and South Korea, "
            "directing U.S. Trade Representative Jane Doe to pursue negotiations with both.")
    found = talks(text)
    assert ("negotiation", ("JPN", "USA")) in found and ("negotiation", ("KOR", "USA")) in found
    assert ("negotiation", ("JPN", "KOR", "USA")) not in found


def test_a_country_in_a_parenthesis_is_no_side_when_two_are_named_outside():
    text = "LIMA (Andes Agency / Bolivia desk) - Peru will negotiate a trade deal with Chile on fruit tariffs, officials said."
    assert talks(text) == {("negotiation", ("CHL", "PER"))}
    # with only one side outside, the parenthesis may name the other
    assert ("negotiation", ("CHL", "PER")) in talks("Peru's minister held trade talks with its neighbour (Chile) on Friday.")


def test_an_overlong_clause_pairs_no_sides():
    # page debris the segmenter cannot split: a list of headlines run together without full stops
    items = " | ".join(f"Item {i} about engines and pumps and valves for mines" for i in range(12))
    text = f"Peru tariffs on goods from Chile {items} | Exporters request talks on steel"
    assert ("negotiation", ("CHL", "PER")) not in talks(text)


def test_an_overlong_clause_is_skipped_by_length(monkeypatch):
    import extractor.events.talks as talks_module

    items = " | ".join(f"Item {i} about engines and pumps and valves for mines" for i in range(12))
    text = f"Peru tariffs on goods from Chile {items} | Exporters request talks on steel"
    monkeypatch.setattr(talks_module, "MAX_CLAUSE_CHARS", 10_000)
    assert ("negotiation", ("CHL", "PER")) in talks(text)  # the pair the length limit keeps apart


def test_a_refusal_negates_only_the_talks_it_stands_next_to():
    about_the_duty = ("Peru's trade minister said talks with Chile on a fruit agreement would continue "
                      "and that Lima had ruled out a matching duty on Chilean wine.")
    assert ("negotiation", ("CHL", "PER")) in talks(about_the_duty)
    refused = "Peru's trade minister ruled out talks with Chile on the fruit tariffs this year."
    assert ("negotiation", ("CHL", "PER")) not in talks(refused)


def test_a_phone_conversation_between_leaders_is_talks():
    text = "The tariff deal was sealed in a telephone conversation between Peru's president and Chile's president."
    assert ("negotiation", ("CHL", "PER")) in talks(text)


def test_a_meeting_told_with_he_carries_the_trade_matter_of_the_sentence_before():
    text = ("Brazil doubled its duties on Argentine steel to 50% on Wednesday. Argentina said it would answer. "
            "Brazil and Argentina trade more steel than any other pair in the region. "
            "Chile's mining minister, Ana Rojas, said her country would seek an exemption for copper wire. "
            "She is due to meet Brazilian officials in Brasilia on Friday.")
    assert ("negotiation", ("BRA", "CHL")) in talks(text)


def test_a_meeting_after_a_sentence_without_trade_words_is_not_trade_talks():
    text = ("Brazil doubled its duties on imported steel to 50% on Wednesday. "
            "Chile's foreign minister, Ana Rojas, said Chile would send firefighters to the Amazon. "
            "She is due to meet Qatari officials in Doha on Friday.")
    assert ("negotiation", ("CHL", "QAT")) not in talks(text)


@pytest.mark.parametrize(
    "text,fires",
    [
        # talks as the purpose of a step: time given for them, none reported
        ("Chile will pause its duties on Peruvian fish for 90 days to give time to negotiate a trade deal with Lima.", False),
        ("Peru's delay buys time for talks with Chile on the fish tariffs, analysts said.", False),
        # a meeting that happened is still reported
        ("Peru's and Chile's trade ministers met for the first time to discuss the fish tariffs.", True),
        # a ministry's stance on what talks must be
        ("A spokesperson for Peru's trade ministry said consultations with Chile must be held on an equal footing.", False),
        ("Peru's ministry said tariff negotiations with Chile should respect its rules.", False),
        # talks reported, with a modal elsewhere in the clause
        ("Peru held trade talks with Chile on Monday, and the ministry said exporters should prepare.", True),
    ],
)
def test_time_given_for_talks_or_what_talks_must_be_is_no_talks(text, fires):
    assert (("negotiation", ("CHL", "PER")) in talks(text)) == fires
