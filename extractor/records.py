"""The output contract (schema version 1) as pydantic models.

Every writer serialises these models, so the contract lives in this one file. Field order is the
serialisation order and is part of the byte-identical-output guarantee: do not reorder fields.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

Span = tuple[int, int]

TariffStatus = Literal[
    "in_effect", "announced", "threatened", "paused", "reduced", "raised", "lifted", "agreed", "ruled_out"
]
NegotiationStatus = Literal["held", "scheduled", "requested"]
AgreementStatus = Literal["reached", "signed"]
EventType = Literal["tariff", "negotiation", "agreement"]
Grain = Literal["day", "week", "month", "quarter", "year", "duration"]

TARIFF_STATUSES: tuple[str, ...] = TariffStatus.__args__  # type: ignore[attr-defined]
NEGOTIATION_STATUSES: tuple[str, ...] = NegotiationStatus.__args__  # type: ignore[attr-defined]
AGREEMENT_STATUSES: tuple[str, ...] = AgreementStatus.__args__  # type: ignore[attr-defined]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OfficialMention(_Record):
    name: str
    title: Optional[str]
    country: Optional[str]
    mentions: list[Span]


class CountryMention(_Record):
    code: str
    name: str
    mentions: list[Span]


class RateMention(_Record):
    value: float
    unit: Literal["percent"] = "percent"
    text: str
    start: int
    end: int


class DateMention(_Record):
    text: str
    start: int
    end: int
    value: Optional[str]
    grain: Grain


class ArticleRecord(_Record):
    schema_version: Literal["1"] = SCHEMA_VERSION
    article_id: str
    source: Optional[str] = None
    url: Optional[str] = None
    headline: Optional[str] = None
    published: Optional[str] = Field(None, description="YYYY-MM-DD, YYYY-MM or YYYY")
    byline: list[str] = []
    dateline: list[str] = []
    officials: list[OfficialMention] = []
    countries: list[CountryMention] = []
    rates: list[RateMention] = []
    dates: list[DateMention] = []
    # Added after schema version 1 shipped (the contract allows added optional fields): where
    # `published` came from: input, page, warc-date, dateline or default (--published).
    published_source: Optional[str] = None


class EventOfficial(_Record):
    name: str
    title: Optional[str]
    country: Optional[str]


class EventDate(_Record):
    text: str
    value: Optional[str]
    start: int
    end: int


class Evidence(_Record):
    text: str
    start: int
    end: int


class EventRecord(_Record):
    schema_version: Literal["1"] = SCHEMA_VERSION
    event_id: str
    article_id: str
    type: EventType
    status: str
    rate: Optional[float] = None
    previous_rate: Optional[float] = None
    imposer: Optional[str] = None
    targets: list[str] = []
    products: list[str] = []
    parties: list[str] = []
    officials: list[EventOfficial] = []
    date: Optional[EventDate] = None
    duration: Optional[str] = None
    location: Optional[str] = None
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0)

    def model_post_init(self, __context) -> None:  # noqa: D401 - validation hook
        allowed = {
            "tariff": TARIFF_STATUSES,
            "negotiation": NEGOTIATION_STATUSES,
            "agreement": AGREEMENT_STATUSES,
        }[self.type]
        if self.status not in allowed:
            raise ValueError(f"status {self.status!r} is not valid for a {self.type} event; expected one of {allowed}")


MeasureType = Literal["tariff", "talks"]
DateBasis = Literal["effective", "announced", "reported"]


class PointConflict(_Record):
    """A value other articles gave for the same step, kept visible next to the one that won."""

    rate: Optional[float]
    status: str
    event_ids: list[str]
    article_ids: list[str]


class MeasurePoint(_Record):
    date: str = Field(description="YYYY-MM-DD: the effective day, else the announced day, else the publication day")
    date_basis: DateBasis
    status: str
    rate: Optional[float]
    event_ids: list[str]
    article_ids: list[str]
    confidence: float = Field(ge=0.0, le=1.0)
    conflicts: list[PointConflict] = []


class MeasureCurrent(_Record):
    status: str
    rate: Optional[float]
    since: str


class MeasureRecord(_Record):
    """One real-world measure (or talks track) and its timeline: a line of measures.jsonl."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    measure_id: str
    type: MeasureType
    imposer: Optional[str]
    targets: list[str]
    products: list[str]
    parties: list[str]
    timeline: list[MeasurePoint]
    current: Optional[MeasureCurrent]
    first_reported: Optional[str]
    last_reported: Optional[str]
    event_ids: list[str]
    n_articles: int
    confidence: float = Field(ge=0.0, le=1.0)
    name: Optional[str] = Field(None, description="the measure's name where the articles give one (reciprocal, section 232, ...)")


EventRole = Literal["point", "conflict", "linked", "total"]


class MeasureEventLink(_Record):
    """How consolidation used one event: a line of measure_events.jsonl.

    `total`: the rate sums several measures ("145% in all"); it supports no measure (measure_id null).
    """

    event_id: str
    article_id: str
    measure_id: Optional[str]
    role: EventRole
    point_date: Optional[str] = None


def json_schemas() -> dict:
    """JSON Schema of the record types, generated from the models."""
    return {
        "articles.jsonl": ArticleRecord.model_json_schema(),
        "events.jsonl": EventRecord.model_json_schema(),
        "measures.jsonl": MeasureRecord.model_json_schema(),
        "measure_events.jsonl": MeasureEventLink.model_json_schema(),
    }
