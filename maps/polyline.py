"""Lines as encoded polylines: the compact text form of a page's coordinates.

The Encoded Polyline Algorithm Format (Google's, also OSRM's and Valhalla's): each point is
(lat, lon) rounded to ``10**-precision`` degrees; the first point is written as it is, each
next one as its difference from the last; each signed integer is shifted left one bit (and
inverted if negative), cut into 5-bit chunks from the lowest, each chunk but the last or-ed
with 0x20, and every chunk written as the character ``chunk + 63`` (``?`` to ``~``). A
map page's coordinates are 1.3 million JSON numbers at 10,000 routes, about 8 characters
each; as polylines, about 3.

Here every line of a page is encoded in one vectorised pass (numpy, no Python loop per
point or per line); the page script decodes them (``TRM.decodeLine`` in ``assets/base.js``).
Any standard decoder reads them, given the precision, for example ``@mapbox/polyline``'s
``decode(text, 4)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def encode_lines(points: np.ndarray, starts: Sequence[int] | np.ndarray,
                 precision: int) -> list[str]:
    """The encoded polyline of each line of ``points``.

    ``points``: an (n, 2) array of [lon, lat] rows, the lines one after the other;
    ``starts``: the row where each line starts, with ``n`` last (so line ``i`` is rows
    ``starts[i]:starts[i + 1]``). Points are rounded half to even at ``precision`` decimals,
    each line's differences taken between rounded points (no error adds up along a line).
    """
    starts = np.asarray(starts, dtype=np.int64)
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(starts) == 0 or starts[-1] != len(points):
        raise ValueError("starts must end with the number of points")
    if len(starts) == 1:
        return []
    scaled = np.rint(points[:, ::-1] * 10.0 ** precision)  # (lat, lon), as the format has it
    if not np.isfinite(scaled).all() or np.abs(scaled).max(initial=0) >= 2 ** 40:
        raise ValueError("coordinates must be finite and within 2**40 at this precision")
    q = scaled.astype(np.int64)
    delta = q.copy()
    delta[1:] -= q[:-1]
    first = starts[:-1][starts[:-1] < len(q)]
    delta[first] = q[first]  # a line's first point as it is
    value = delta.ravel()
    value = np.where(value < 0, ~(value << 1), value << 1)
    chunks = np.ones(len(value), dtype=np.int64)
    for k in range(1, 9):  # up to 45 bits
        chunks += value >= (1 << (5 * k))
    at = np.repeat(np.cumsum(chunks) - chunks, chunks)
    j = np.arange(int(chunks.sum()), dtype=np.int64) - at  # each chunk's place in its value
    owner = np.repeat(value, chunks)
    more = j < np.repeat(chunks - 1, chunks)
    code = ((owner >> (5 * j)) & 31) | np.where(more, 32, 0)
    text = (code + 63).astype(np.uint8).tobytes().decode("ascii")
    ends = np.concatenate(([0], np.cumsum(chunks)))[2 * starts]
    return [text[a:b] for a, b in zip(ends[:-1].tolist(), ends[1:].tolist(), strict=True)]


def encode_each(lines: Sequence[np.ndarray], precision: int) -> list[str]:
    """:func:`encode_lines` of separate (n, 2) arrays, in one pass."""
    if not lines:
        return []
    starts = np.concatenate(([0], np.cumsum([len(line) for line in lines])))
    return encode_lines(np.concatenate(lines), starts, precision)


def decode_line(text: str, precision: int) -> list[float]:
    """One encoded polyline back to a flat [lon, lat, lon, lat, ...] (for tests and readers
    of the page data; the page script has its own)."""
    values: list[int] = []
    shift = result = 0
    for char in text:
        chunk = ord(char) - 63
        if not 0 <= chunk < 64:
            raise ValueError(f"not an encoded polyline: {char!r}")
        result |= (chunk & 31) << shift
        shift += 5
        if chunk < 32:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift = result = 0
    if shift or len(values) % 2:
        raise ValueError("an encoded polyline ends inside a point")
    scale = 10.0 ** precision
    flat: list[float] = []
    lat = lon = 0
    for k in range(0, len(values), 2):
        lat += values[k]
        lon += values[k + 1]
        flat += [lon / scale, lat / scale]
    return flat
