"""The catalogue format as pydantic models: structure and types, checked at the boundary.

An entry under ``routes:`` is a *statement*: what one passage of the report says about one flow,
with one set of evidence. It may name several commodities (``commodities:``), alternatives for
a stage (``any_of:``), several modes for a leg (``by: [road, sea]``), or a flow that stays inside
one area (``within:``); the Atlas expands it for drawing (one route per commodity) but keeps it
the unit that is counted and shown.

These models describe one YAML file. Cross-field rules that need the whole route (where an
unstated stage may stand, word limits, the vocabularies) live in :mod:`routes.load`, and
rules that need the gazetteer live in :mod:`geodata.resolve`; both report through the same
problem list.
"""

from __future__ import annotations

from collections.abc import Sequence
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
#: How a leg travels. ``land`` is road or rail where the report does not say which.
Mode = Literal["road", "rail", "land", "sea", "air", "unspecified"]
MODES: tuple[str, ...] = ("road", "rail", "land", "sea", "air", "unspecified")
StatedMode = Literal["road", "rail", "land", "sea", "air"]
#: ``by: [road, air, sea]``: a leg the report says travels by any of several modes.
ModeList = Annotated[list[StatedMode], Field(min_length=2, max_length=len(MODES) - 1)]
#: The reporting country's part in a flow: where the goods start (source), pass (transit) or
#: end (destination); or, without the goods passing through it, where the flow is organised
#: (organiser), financed (financier), or where its nationals run it abroad (nationals-abroad).
ReportingRole = Literal["source", "transit", "destination", "organiser", "financier",
                        "nationals-abroad"]


def modes_of(by: str | Sequence[str] | None) -> tuple[str, ...]:
    """The modes of a ``by`` value in :data:`MODES` order, without repeats: ``()`` for none or
    ``unspecified``."""
    if isinstance(by, str):  # the common case, asked once per leg of a build
        return () if by == "unspecified" else (by,)
    given = set(by or ())
    return tuple(m for m in MODES if m in given and m != "unspecified")


def _one_or_several(one: str | None, several: list[str] | None) -> tuple[str, ...]:
    """A field given as one value or as a list of several, as a tuple (empty if neither)."""
    if several is not None:
        return tuple(several)
    return (one,) if one is not None else ()


def mode_text(modes: tuple[str, ...]) -> str:
    """One string for a leg's modes, as the Atlas stores it: ``road+sea``, or ``unspecified``."""
    return "+".join(modes) if modes else "unspecified"
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
    #: how the catalogue was coded, where a reader should know: from a secondary text (a press
    #: release quoting the report), from a translation, in part...
    note: Prose | None = None


class Stage(_Model):
    """One position on a route: a place, alternatives (``any_of``: the report names several,
    any of which), or unstated. ``by`` is the mode (or modes) of the legs that arrive here."""

    place: Name | None = None
    any_of: Annotated[list[Name], Field(min_length=2, max_length=MAX_ITEMS)] | None = None
    unstated: bool = False
    by: Mode | ModeList = "unspecified"
    stated: bool = True
    source: Prose | None = None
    note: Prose | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The place names of this stage: one, several (``any_of``), or none (unstated)."""
        return _one_or_several(self.place, self.any_of)

    @property
    def modes(self) -> tuple[str, ...]:
        return modes_of(self.by)


class Evidence(_Model):
    """Where the report says it: a short verbatim locator and a summary in the coder's words.
    ``section`` is the report's heading the phrase stands under, where the report has headings."""

    section: Line | None = None
    phrase: Prose
    summary: Prose
    source: Slug | None = None
    #: the phrase's start in the source text (Unicode code points), to pin one occurrence of
    #: several; checked against the text when one is given (:mod:`routes.evidence`)
    offset: Annotated[int, Field(ge=0)] | None = None


class Draft(_Model):
    """A route proposed by ``build_maps.py draft`` and not yet reviewed: how sure the drafter is
    (0 to 1) and why it proposed the route (the cue words it read). The maps show a "draft"
    badge on such a route; an analyst who accepts it deletes the field."""

    confidence: Annotated[float, Field(ge=0, le=1)]
    reason: Prose


class Route(_Model):
    """A statement: one flow as one passage of the report states it (see the module docstring).

    Either ``stages`` (origin, transits, destination) or ``within`` (a flow inside one country
    or region, with its modes in the route's own ``by``); either ``commodity`` or
    ``commodities``. :mod:`routes.load` checks those pairs."""

    id: Slug
    flow: Slug
    commodity: Slug | None = None
    commodities: Annotated[list[Slug], Field(min_length=2, max_length=MAX_ITEMS)] | None = None
    label: Line
    reporting_role: ReportingRole
    stages: Annotated[list[Stage], Field(min_length=2, max_length=MAX_ITEMS)] | None = None
    within: Name | None = None
    by: Mode | ModeList | None = None
    evidence: Annotated[list[Evidence], Field(min_length=1, max_length=MAX_ITEMS)]
    actors: Annotated[list[Line], Field(max_length=MAX_ITEMS)] = []
    note: Prose | None = None
    draft: Draft | None = None

    @property
    def commodity_ids(self) -> tuple[str, ...]:
        """The statement's commodities, as written."""
        return _one_or_several(self.commodity, self.commodities)

    @property
    def stage_list(self) -> tuple[Stage, ...]:
        """The stages, or for a ``within`` route none."""
        return tuple(self.stages or ())


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
