"""Official rules on sentences written for these tests: titles, appositions, possessives, linking."""
import pytest

from extractor.ingest.article import Article
from tests.pipeline_support import extractor


def officials(text, published="2025-04-16"):
    out = extractor().process_batch([Article(id="t", text=text, published=published)])[0]
    assert out.error is None, out.error
    return {(o.name, o.country) for o in out.record.officials}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("U.S. Commerce Secretary Howard Lutnick said the duties would stay.", {("Howard Lutnick", "USA")}),
        ("Mexico's top trade negotiator, Luisa Maria Alcalde, arrived on Monday.", {("Luisa Maria Alcalde", "MEX")}),
        ("Wang Wentao, China's commerce minister, said Beijing would respond.", {("Wang Wentao", "CHN")}),
        # an office that exists in one government only
        ("Trade Representative Jamieson Greer met the delegation.", {("Jamieson Greer", "USA")}),
        # a possessive owner gives the country
        ("Trump's Treasury Secretary Scott Bessent spoke first.", {("Scott Bessent", "USA")}),
        # analysts, executives and former officials are not officials
        ("\"It is a tax on consumers,\" said Maria Ortiz, chief economist at Harbor Bank.", set()),
        ("Kenji Sato, a former trade ministry official now at a think tank, disagreed.", set()),
        ("Ford President Jim Farley said costs would rise.", set()),
        # officials of several countries in one sentence
        ("German Chancellor Friedrich Merz and French President Emmanuel Macron called for unity.",
         {("Friedrich Merz", "DEU"), ("Emmanuel Macron", "FRA")}),
    ],
)
def test_officials_titles_and_exclusions(text, expected):
    assert officials(text) == expected


def test_officials_surname_mentions_link_to_full_name():
    text = "Canadian Prime Minister Mark Carney spoke on Monday. Carney said Ottawa would respond."
    out = extractor().process_batch([Article(id="t", text=text, published="2025-04-16")])[0]
    (official,) = out.record.officials
    assert official.name == "Mark Carney"
    assert [text[s:e] for s, e in official.mentions] == ["Mark Carney", "Carney"]


def test_officials_byline_and_credits_are_not_officials():
    text = ("By Jane Roe and John Doe\nOTTAWA (Reuters) - Prime Minister Mark Carney said on Monday that talks would go on.\n"
            "(Reporting by Jane Roe; Editing by Paul Smith)")
    out = extractor().process_batch([Article(id="t", text=text, published="2025-04-16")])[0]
    assert {o.name for o in out.record.officials} == {"Mark Carney"}


# -- the component on hand-built Docs (no model: the entities are set by hand) ------------------------

from tests.pipeline_support import hand_doc  # noqa: E402

OFFICIALS = ["tariffwire_sentences", "tariffwire_countries", "tariffwire_officials"]


@pytest.mark.parametrize(
    "text,ents,expected",
    [
        # title-anchored: no entity needed
        ("U.S. Commerce Secretary Howard Lutnick spoke. Lutnick left.", [],
         [("Howard Lutnick", "Commerce Secretary", "USA"), ("Lutnick", "Commerce Secretary", "USA")]),
        # an apposition after a PERSON entity
        ("Wang Wentao, China's commerce minister, spoke.", [("Wang Wentao", "PERSON")],
         [("Wang Wentao", "commerce minister", "CHN")]),
        # a PERSON entity that no office binds is no official
        ("Jane Roe, an analyst, spoke about tariffs.", [("Jane Roe", "PERSON")], []),
    ],
)
def test_officials_component_reads_ents_and_writes_mention_spans(text, ents, expected):
    doc = hand_doc(text, OFFICIALS, ents=ents, published="2025-04-16")
    assert [(s.text, s._.title, s._.country) for s in doc.spans["tw_officials"]] == expected


@pytest.mark.parametrize("use_office_holders,expected", [(True, "USA"), (False, None)])
def test_officials_component_office_holder_fallback_is_a_setting(use_office_holders, expected):
    text = "Scott Bessent said the talks went well."
    doc = hand_doc(text, OFFICIALS, ents=[("Scott Bessent", "PERSON")], published="2025-04-16",
                   config={"tariffwire_officials": {"use_office_holders": use_office_holders}})
    countries = [s._.country for s in doc.spans["tw_officials"]]
    assert countries == ([expected] if expected else [])
