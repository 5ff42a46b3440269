"""Colour maths for the map's palette: colour difference under simulated colour-vision
deficiencies, and contrast against the base maps. Used by benchmarks.palette (which chooses
the palette), benchmarks.colours (which prints its table) and tests/test_colour.py.

The maths is colour-science's (a dev dependency, not a runtime one: the tool only carries the
hex values this chooses): Machado, Oliveira and Fernandes (2009) matrices at severity 1.0,
applied to linear RGB, and CIEDE2000 in CIE Lab (D65). WCAG 2 contrast is two lines of
arithmetic on relative luminance, written out here as the standard gives it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import colour
import numpy as np
from numpy.typing import NDArray

REPO_ROOT = Path(__file__).resolve().parents[1]
ASSETS = REPO_ROOT / "maps" / "assets"

Vision = str
#: Normal vision, then the three dichromacies as Machado et al. simulate them at severity 1.
VISIONS: tuple[Vision, ...] = ("normal", "deutan", "protan", "tritan")
_DEFICIENCY = {"deutan": "Deuteranomaly", "protan": "Protanomaly", "tritan": "Tritanomaly"}

#: The floors the palette is held to (README "The maps").
MIN_DELTA_E = 10.0
MIN_CONTRAST = 3.0

_SRGB = colour.RGB_COLOURSPACES["sRGB"]
_D65 = _SRGB.whitepoint


def positron_colours() -> dict[str, str]:
    """CARTO Positron's land and water, as its style sheet gives them
    (github.com/CartoDB/basemap-styles, positron ``@landmass_fill`` and ``@water``): the online
    pages' tiles (maps/layer.py TILES, ``light_all``)."""
    return {"online land (CARTO Positron)": "#fafaf8", "online sea (CARTO Positron)": "#d4dadc"}


def offline_colours() -> dict[str, str]:
    """The offline page's base map, read from the assets so that a change there is measured:
    the embedded country layer's fill (init.js) and the map's background, its sea (routes.css)."""
    init = (ASSETS / "init.js").read_text(encoding="utf-8")
    css = (ASSETS / "routes.css").read_text(encoding="utf-8")
    land = re.search(r'fillColor:\s*"(#[0-9a-fA-F]{6})"', init)
    sea = re.search(r"\.leaflet-container\s*\{[^}]*background:\s*(#[0-9a-fA-F]{6})", css)
    if not land or not sea:
        raise LookupError("the offline base map's land (init.js fillColor) or sea "
                          "(routes.css .leaflet-container background) was not found")
    return {"offline land (init.js)": land.group(1), "offline sea (routes.css)": sea.group(1)}


def png_colours() -> dict[str, str]:
    """The PNGs' base map (maps/static_draw.py)."""
    from trafficking_route_mapper.maps import static_draw
    return {"PNG land (static_draw)": static_draw.LAND, "PNG sea (static_draw)": static_draw.SEA}


def base_colours() -> dict[str, str]:
    """Every colour a route line is drawn on: online, offline and PNG land and sea."""
    return {**positron_colours(), **offline_colours(), **png_colours()}


def to_rgb(hex_colours: list[str] | tuple[str, ...]) -> NDArray[np.float64]:
    """``#RRGGBB`` strings as an (n, 3) array of sRGB values in [0, 1]."""
    return np.array([[int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)] for h in hex_colours])


@cache
def _matrix(vision: Vision) -> NDArray[np.float64]:
    if vision == "normal":
        return np.eye(3)
    # colour-science warns that its tritanomaly matrices approximate tritanopia by a shift of
    # the S cone: known, and the approximation the issue asks for
    with colour.utilities.suppress_warnings(colour_usage_warnings=True):
        return np.asarray(colour.blindness.matrix_cvd_Machado2009(_DEFICIENCY[vision], 1.0))


def lab(rgb: NDArray[np.float64], vision: Vision) -> NDArray[np.float64]:
    """CIE Lab (D65) of sRGB colours as seen with ``vision``: the simulation matrix is applied
    in linear RGB (Machado et al. work in linear RGB), the result clipped to the gamut."""
    linear = colour.models.eotf_sRGB(rgb)
    seen = np.clip(linear @ _matrix(vision).T, 0.0, 1.0)
    xyz = colour.RGB_to_XYZ(seen, _SRGB, apply_cctf_decoding=False)
    return np.asarray(colour.XYZ_to_Lab(xyz, colour.xy_to_xyY(_D65)[:2]))


def delta_e(lab_a: NDArray[np.float64], lab_b: NDArray[np.float64]) -> NDArray[np.float64]:
    """CIEDE2000 between Lab arrays (broadcast)."""
    return np.asarray(colour.delta_E(lab_a, lab_b, method="CIE 2000"))


def pair_delta_e(hex_a: str, hex_b: str) -> dict[Vision, float]:
    """ΔE2000 between two colours under each vision."""
    rgb = to_rgb([hex_a, hex_b])
    out = {}
    for vision in VISIONS:
        labs = lab(rgb, vision)
        out[vision] = float(delta_e(labs[0], labs[1]))
    return out


def luminance(rgb: NDArray[np.float64]) -> NDArray[np.float64]:
    """WCAG 2 relative luminance of sRGB colours."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return np.asarray(linear @ np.array([0.2126, 0.7152, 0.0722]))


def contrast(hex_a: str, hex_b: str) -> float:
    """WCAG 2 contrast ratio, (lighter + 0.05) / (darker + 0.05), from 1 to 21."""
    la, lb = luminance(to_rgb([hex_a, hex_b]))
    return float((max(la, lb) + 0.05) / (min(la, lb) + 0.05))
