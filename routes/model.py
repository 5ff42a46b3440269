"""The catalogue format as pydantic models: structure and types, checked at the boundary.

These models describe one YAML file. Cross-field rules that need the whole route (where an
unstated stage may stand, word limits, the vocabularies) live in :mod:`routes.catalogue`, and
rules that need the gazetteer live in :mod:`geodata.resolve`; both report through the same
problem list.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=80)
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Mode = Literal["road", "rail", "sea", "air", "unspecified"]
ReportingRole = Literal["source", "transit", "destination"]
MODES: tuple[str, ...] = ("road", "rail", "sea", "air", "unspecified")
#: Longest evidence phrase, in words: long enough to locate a passage, short enough to quote.
MAX_PHRASE_WORDS = 20


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Source(_Model):
    """The report the catalogue codes; ``sha256`` identifies the exact text quoted from."""

    id: Slug
    title: Text
    publisher: Text
    edition: Text | None = None
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    reporting_country: Text


class Stage(_Model):
    """One place on a route. ``by`` is the mode of the leg that arrives here."""

    place: Text | None = None
    unstated: bool = False
    by: Mode = "unspecified"
    stated: bool = True
    source: Text | None = None
    note: Text | None = None


class Evidence(_Model):
    """Where the report says it: a short verbatim locator and a summary in the coder's words."""

    section: Text
    phrase: Text
    summary: Text
    source: Slug | None = None


class Route(_Model):
    id: Slug
    flow: Slug
    commodity: Slug
    label: Text
    reporting_role: ReportingRole
    stages: Annotated[list[Stage], Field(min_length=2)]
    evidence: Annotated[list[Evidence], Field(min_length=1)]
    actors: list[Text] = []
    note: Text | None = None


class Hub(_Model):
    """A place the report names as a centre of one or more markets, whether or not a route
    passes through it (e.g. cities where human trafficking is concentrated)."""

    place: Text
    commodities: list[Slug] = []
    summary: Text
    evidence: Annotated[list[Evidence], Field(min_length=1)]


class PointPlace(_Model):
    """A city or port the built-in gazetteer lacks."""

    kind: Literal["city", "port"]
    name: Text
    country: Text
    lon: Annotated[float, Field(ge=-180, le=180)]
    lat: Annotated[float, Field(ge=-90, le=90)]
    locode: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[A-Z2-9]{3}$")] | None = None
    aliases: list[Text] = []
    source: Text


class RegionPlace(_Model):
    """A region as the union of member countries."""

    kind: Literal["region"]
    name: Text
    members: Annotated[list[Text], Field(min_length=1)]
    aliases: list[Text] = []
    source: Text


class CorridorPlace(_Model):
    """A corridor as an ordered sequence of places, always drawn as inferred."""

    kind: Literal["corridor"]
    name: Text
    waypoints: Annotated[list[Text], Field(min_length=2)]
    aliases: list[Text] = []
    source: Text


PlaceDecl = Annotated[PointPlace | RegionPlace | CorridorPlace, Field(discriminator="kind")]


class PlaceEntry(_Model):
    """Wrapper so one declared place can be validated on its own."""

    place: PlaceDecl


class CatalogueHead(_Model):
    """The file's top level; routes and places are validated one by one after this."""

    source: Source
    places: list[Any] = []
    hubs: list[Any] = []
    routes: Annotated[list[Any], Field(min_length=1)]
