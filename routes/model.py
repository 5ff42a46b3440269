"""The catalogue format as pydantic models: structure and types, checked at the boundary.

These models describe one YAML file. Cross-field rules that need the whole route (where an
unstated stage may stand, word limits, the vocabularies) live in :mod:`routes.load`, and
rules that need the gazetteer live in :mod:`geodata.resolve`; both report through the same
problem list.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

Slug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=80)
]

# Text fields come in three kinds, each with a length limit and the characters it refuses
# (checked by pydantic's regex engine, in Rust; routes.explain says which character and why):
#
# * a name (of a place, a region member, an alias): one line, at most MAX_NAME characters; no
#   control or format character (Unicode Cc, Cf: zero-width spaces and joiners, soft hyphens,
#   bidirectional controls), no line or paragraph separator. An invisible character makes a
#   name differ from the same name typed plainly.
# * a line (a label, title, section, actor, edition): one line, at most MAX_LINE characters; no
#   control character and no bidirectional control.
# * prose (a summary, note, citation, evidence phrase): at most MAX_PROSE characters; tabs and
#   line breaks allowed, other controls and bidirectional controls refused.
#
# Bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) can make text
# display in another order than it is stored ("Trojan Source"), in a popup or a spreadsheet.
MAX_NAME, MAX_LINE, MAX_PROSE = 100, 300, 2000
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
NAME_PATTERN = r"^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$"
LINE_PATTERN = rf"^[^\p{{Cc}}\p{{Zl}}\p{{Zp}}{BIDI_CONTROLS}]*$"
PROSE_PATTERN = rf"^[^\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]*$"

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME,
                                        pattern=NAME_PATTERN)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LINE,
                                        pattern=LINE_PATTERN)]
Prose = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                         max_length=MAX_PROSE, pattern=PROSE_PATTERN)]
_NAME_ADAPTER: TypeAdapter[str] = TypeAdapter(Name, config=ConfigDict(strict=True))


def is_name(value: str) -> bool:
    """Whether ``value`` is a valid name (see above): for checks on routes that failed
    validation, which skip names already reported as malformed."""
    try:
        _NAME_ADAPTER.validate_python(value)
    except ValidationError:
        return False
    return True


#: Lists: at most this many items (stages, evidence, actors, aliases...); region members more.
MAX_ITEMS, MAX_MEMBERS = 50, 300
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
    title: Line
    publisher: Line
    edition: Line | None = None
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=MAX_LINE)] | None = None
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    reporting_country: Name


class Stage(_Model):
    """One place on a route. ``by`` is the mode of the leg that arrives here."""

    place: Name | None = None
    unstated: bool = False
    by: Mode = "unspecified"
    stated: bool = True
    source: Prose | None = None
    note: Prose | None = None


class Evidence(_Model):
    """Where the report says it: a short verbatim locator and a summary in the coder's words."""

    section: Line
    phrase: Prose
    summary: Prose
    source: Slug | None = None


class Route(_Model):
    id: Slug
    flow: Slug
    commodity: Slug
    label: Line
    reporting_role: ReportingRole
    stages: Annotated[list[Stage], Field(min_length=2, max_length=MAX_ITEMS)]
    evidence: Annotated[list[Evidence], Field(min_length=1, max_length=MAX_ITEMS)]
    actors: Annotated[list[Line], Field(max_length=MAX_ITEMS)] = []
    note: Prose | None = None


class Hub(_Model):
    """A place the report names as a centre of one or more markets, whether or not a route
    passes through it (e.g. cities where human trafficking is concentrated)."""

    place: Name
    commodities: Annotated[list[Slug], Field(max_length=MAX_ITEMS)] = []
    summary: Prose
    evidence: Annotated[list[Evidence], Field(min_length=1, max_length=MAX_ITEMS)]


class PointPlace(_Model):
    """A city or port the built-in gazetteer lacks."""

    kind: Literal["city", "port"]
    name: Name
    country: Name
    lon: Annotated[float, Field(ge=-180, le=180)]
    lat: Annotated[float, Field(ge=-90, le=90)]
    locode: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[A-Z2-9]{3}$")] | None = None
    aliases: Annotated[list[Name], Field(max_length=MAX_ITEMS)] = []
    source: Prose


class RegionPlace(_Model):
    """A region as the union of member countries."""

    kind: Literal["region"]
    name: Name
    members: Annotated[list[Name], Field(min_length=1, max_length=MAX_MEMBERS)]
    aliases: Annotated[list[Name], Field(max_length=MAX_ITEMS)] = []
    source: Prose


class CorridorPlace(_Model):
    """A corridor as an ordered sequence of places, always drawn as inferred."""

    kind: Literal["corridor"]
    name: Name
    waypoints: Annotated[list[Name], Field(min_length=2, max_length=MAX_ITEMS)]
    aliases: Annotated[list[Name], Field(max_length=MAX_ITEMS)] = []
    source: Prose


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
