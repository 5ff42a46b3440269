"""The key of a PNG map: what decides its pixels, so that a build can keep a map it drew
before (:mod:`maps.static`, "Drawn only when changed")."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from trafficking_route_mapper.geodata.fingerprint import code_digest, versions
from trafficking_route_mapper.maps.staging import PreviousOutput

if TYPE_CHECKING:
    from trafficking_route_mapper.geodata.atlas import Atlas
    from trafficking_route_mapper.maps.static import MapSpec
    from trafficking_route_mapper.maps.static_draw import Key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PngStep:
    """One PNG map to write: ``path`` (in the staging folder), relative to the output folder
    ``relative``, its ``key`` (:func:`png_key`). Calling it writes the file, linked from
    ``previous`` when the key is the same there, and returns its path."""

    path: Path
    relative: str
    key: str
    draw: Any  # () -> Path
    previous: PreviousOutput | None

    def __call__(self) -> Path:
        if self.previous is not None and self.previous.reuse(self.relative, self.key, self.path):
            log.debug("kept %s (unchanged)", self.relative)
            return self.path
        written: Path = self.draw()
        return written


#: Modules whose code draws the maps: part of every map's key.
_DRAWING_MODULES = ("maps.static", "maps.static_draw", "maps.static_frame", "maps.static_key",
                    "maps.style")
#: Packages whose version can change a map's pixels or its PNG encoding.
_DRAWING_PACKAGES = ("matplotlib", "pillow", "numpy")


def common_key(atlas: Atlas, key: Key) -> bytes:
    """What every map of a build draws with: the drawing code and its packages, the
    commodities' colours, patterns, labels and order, and the base map."""
    digest = hashlib.sha256()
    digest.update(code_digest(_DRAWING_MODULES).encode())
    digest.update(versions(_DRAWING_PACKAGES).encode())
    digest.update(repr((sorted(key.colours.items()), sorted(key.labels.items()),
                        sorted(key.order.items()), sorted(key.patterns.items()))).encode())
    for code in sorted(atlas.country_geojson):
        digest.update(code.encode() + b"\0" + atlas.country_geojson[code] + b"\0")
    return digest.digest()


def png_key(common: bytes, spec: MapSpec, texts: Sequence[str]) -> str:
    """The key of one map: :func:`common_key`, its texts, every leg it draws (commodity,
    stated or inferred, ends and their kinds, rings, points) in drawing order, and its
    regions (with their shapes), corridors, places, statements and source line."""
    digest = hashlib.sha256(common)
    digest.update(repr((tuple(texts), spec.statements, spec.sources, spec.commodities,
                        spec.corridors, spec.places)).encode())
    for area in spec.areas:
        digest.update(repr((area.name, area.point)).encode() + area.shape.wkb)
    for leg in spec.legs:
        digest.update(repr((leg.commodity, leg.stated, leg.frm, leg.to, leg.route,
                            leg.open_start, leg.open_end, leg.frm_region, leg.to_region,
                            leg.coords.shape)).encode())
        digest.update(np.ascontiguousarray(leg.coords, dtype=np.float64).tobytes())
    return digest.hexdigest()
