"""The event components' thresholds and confidence weights, named and explained in one place.

Tuned on corpora/dev/train (docs/extraction.md); `python benchmarks/confidence.py` measures how
well the confidences rank records on the held-out split, and the eval gate pins its result.
"""

# -- Is a percentage a tariff rate? (events/tariffs.py: TariffFinder.tariff_signal) -----------------
# The strength of the evidence, by the number of words between the rate and its tariff noun.
CUE_ADJACENT = 1.0        # at most ADJACENT_WORDS words ("25% tariffs"), or "tariffs rose to 145%"
CUE_NEAR = 0.8            # at most NEAR_WORDS words
CUE_IN_WINDOW = 0.55      # within the component's cue_window
CUE_STORY_ONLY = 0.3      # no tariff noun near it, but a tariff story and nothing marking a market figure
ADJACENT_WORDS = 1
NEAR_WORDS = 4
# An object cue ("would face an extra 15%", "34% on China") in a tariff story counts as a tariff
# noun this many words away.
OBJECT_CUE_WORDS = 2
# A growth/market/share word at most this many words from a story-only rate vetoes it.
STORY_ONLY_VETO_WORDS = 8

# -- Confidence of a tariff record (events/tariffs.py: TariffFinder.find) ------------------------------
# BASE + STRENGTH * cue strength + the imposer's term + the targets' term, capped at MAX: read in the
# rate's own sentence ("local") or inferred from the story / the default imposer.
TARIFF_BASE = 0.2
TARIFF_STRENGTH = 0.35
IMPOSER_LOCAL, IMPOSER_INFERRED = 0.25, 0.08
TARGETS_LOCAL, TARGETS_INFERRED = 0.2, 0.05
MAX_CONFIDENCE = 0.99

# -- Negotiations and agreements (events/talks.py) --------------------------------------------------
AGREEMENT_CONFIDENCE = 0.75
NEGOTIATION_STRONG = 0.8  # "talks", "negotiations"
NEGOTIATION_WEAK = 0.6    # "met", "spoke", "visit"
