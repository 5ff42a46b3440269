"""Route geometry kept between builds: each statement's drawn lines, found again by content.

Computing a statement's lines (geodesics densified by pyproj, sea legs searched on the
shipping lanes) is most of the Atlas's time on a large catalogue, and between two builds of a
catalogue being edited almost every statement is unchanged. So a build keeps each statement's
finished lines (every leg's coordinates after densification, sea routing, continuous
longitudes and rounding, with how it was routed and the note that says so) under a *key*:
SHA-256 of everything those lines depend on (:func:`statement_key`): each leg's ends (place
key, name, kind, point, gateway port), modes and position in the statement; the spacing of
points; the sea router in use; and the code and packages that compute them (the source of
the geometry modules, the tool's version, pyproj's, numpy's, scipy's, searoute's, and the
shipped table of sea paths). A changed route, place or module makes new keys; nothing is ever
read back under a key that does not describe it, so the cache is never stale, and deleting it
only costs time.

Where: ``$XDG_CACHE_HOME/trafficking-route-mapper`` (``~/.cache/...`` by default), one SQLite
file (Python's own ``sqlite3``: a write is one transaction, so a killed build leaves the file
as it was; concurrent builds wait for each other's writes). An unreadable file or entry is
ignored and written afresh. Entries made by other code (another version) are removed when a
build writes, so the file holds about one generation of the catalogues built with it.

A statement's lines do not depend on any other statement (node ids and continuity are per
statement, :mod:`geodata.lines`), so lines read back are exactly those a build from scratch
computes: the build's outputs are the same bytes, cache or not (tested).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

from trafficking_route_mapper.geodata.atlas import PRECISION, Coords
from trafficking_route_mapper.geodata.fingerprint import code_digest, versions
from trafficking_route_mapper.geodata.geometry import MAX_SEGMENT_KM
from trafficking_route_mapper.geodata.legs import Leg, statement_legs
from trafficking_route_mapper.geodata.resolve import ResolvedRoute
from trafficking_route_mapper.geodata.seaways import SeaRouter

log = logging.getLogger(__name__)

APP = "trafficking-route-mapper"
FILE = "geometry.sqlite3"

#: Modules whose code shapes a statement's lines.
_GEOMETRY_MODULES = ("geodata.geometry", "geodata.lines", "geodata.legs", "geodata.seaways",
                     "geodata.assemble", "geodata.geometry_cache")
_GEOMETRY_PACKAGES = ("pyproj", "numpy", "scipy", "searoute")
_SCALE = 10.0 ** PRECISION
#: Keys per SQLite query (below its limit of bound parameters).
_BATCH = 500


def default_folder() -> Path:
    """``$XDG_CACHE_HOME/trafficking-route-mapper``, or ``~/.cache/trafficking-route-mapper``
    (the XDG base directory rule; a relative ``XDG_CACHE_HOME`` is ignored, as it says)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / APP


@dataclass(frozen=True)
class Slot:
    """One leg of a statement as drawn: how (``routing``), the note that says so, and its
    finished points, or None where it is not drawn."""

    routing: str
    note: str | None
    coords: Coords | None


@dataclass(frozen=True)
class Entry:
    """A statement's lines, leg by leg, and the warnings computing them logged (repeated
    when the entry is used, so a cached build says what a fresh one says)."""

    slots: tuple[Slot, ...]
    warnings: tuple[str, ...] = ()


class GeometryCache:
    """Statements' lines by key: with a ``folder``, in its SQLite file, and with ``remember``,
    in this process's memory too (``--watch`` keeps them between rebuilds)."""

    def __init__(self, folder: Path | None = None, remember: bool = False) -> None:
        self.folder = folder
        self.remember = remember
        self._memory: dict[str, Entry] = {}
        self.hits = self.misses = 0

    @property
    def path(self) -> Path | None:
        return None if self.folder is None else self.folder / FILE

    def get_many(self, keys: Iterable[str]) -> dict[str, Entry]:
        """The entries found for ``keys`` (a missing or unreadable one is left out)."""
        wanted = set(keys)
        found = {k: self._memory[k] for k in wanted if k in self._memory}
        missing = sorted(wanted - found.keys())
        db = self._open(create=False) if missing else None
        if db is not None:
            try:
                for lo in range(0, len(missing), _BATCH):
                    batch = missing[lo:lo + _BATCH]
                    rows = db.execute(f"SELECT key, meta, coords FROM entries WHERE key IN "
                                      f"({','.join('?' * len(batch))})", batch).fetchall()
                    for key, meta, coords in rows:
                        entry = _decode(meta, coords)
                        if entry is not None:
                            found[key] = entry
            except sqlite3.Error as err:
                log.warning("the geometry cache %s is unreadable (%s); lines are computed",
                            self.path, err)
            finally:
                db.close()
        if self.remember:
            self._memory.update(found)
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def put_many(self, entries: Mapping[str, Entry]) -> None:
        """Keep ``entries``, and write them to the file in one transaction."""
        if self.remember:
            self._memory.update(entries)
        if not entries or self.path is None:
            return
        rows = [(key, _code(), *_encode(entry)) for key, entry in sorted(entries.items())]
        for attempt in (1, 2):
            db = self._open(create=True)
            if db is None:
                return
            try:
                with db:  # one transaction: all of them or, if killed, none
                    db.execute("DELETE FROM entries WHERE code != ?", (_code(),))
                    db.executemany("INSERT OR REPLACE INTO entries (key, code, meta, coords) "
                                   "VALUES (?, ?, ?, ?)", rows)
                return
            except sqlite3.DatabaseError as err:  # a damaged file: started afresh, once
                if attempt == 2 or not self._discard(err):
                    return
            except sqlite3.Error as err:  # locked for too long by another build, say
                log.warning("geometry cache %s not written: %s", self.path, err)
                return
            finally:
                db.close()

    def _open(self, create: bool) -> sqlite3.Connection | None:
        """The cache file, opened (created if ``create``), or None if it cannot be used: none
        yet, or unreadable (a damaged one is removed when writing, to be started afresh)."""
        if self.path is None or (not create and not self.path.exists()):
            return None
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            return _connect(self.path)
        except sqlite3.DatabaseError as err:
            if not create:
                log.warning("the geometry cache %s is unreadable (%s); lines are computed",
                            self.path, err)
            elif self._discard(err):
                with contextlib.suppress(OSError, sqlite3.Error):
                    return _connect(self.path)
        except (OSError, sqlite3.Error) as err:
            log.warning("geometry cache %s not used: %s", self.path, err)
        return None

    def _discard(self, err: Exception) -> bool:
        """Remove the damaged cache file; whether it is gone."""
        log.warning("the geometry cache %s is damaged (%s); it is started afresh", self.path,
                    err)
        assert self.path is not None
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            return False
        return True


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30.0)
    try:
        db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, code TEXT NOT "
                   "NULL, meta BLOB NOT NULL, coords BLOB NOT NULL)")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _encode(entry: Entry) -> tuple[bytes, bytes]:
    """(meta, coords): the slots' routing, note and point count as JSON; every point as two
    int32 in units of 10**-PRECISION degree (the points are rounded to that: exact, and half
    the size of float64)."""
    slots = [[s.routing, s.note, -1 if s.coords is None else len(s.coords)] for s in entry.slots]
    arrays = [s.coords for s in entry.slots if s.coords is not None and len(s.coords)]
    points = np.concatenate(arrays) if arrays else np.empty((0, 2))
    units = np.rint(points * _SCALE)
    exact = bool(np.array_equal((units / _SCALE) + 0.0, points))
    data = units.astype("<i4").tobytes() if exact else points.astype("<f8").tobytes()
    meta = orjson.dumps({"slots": slots, "warnings": list(entry.warnings), "int": exact})
    return meta, data


def _decode(meta: bytes, data: bytes) -> Entry | None:
    """The entry stored as (meta, coords), or None if it is not one (a damaged row)."""
    try:
        info = orjson.loads(meta)
        exact = bool(info["int"])
        sizes = [int(n) for _, _, n in info["slots"]]
        total = sum(n for n in sizes if n > 0)
        if len(data) != total * 2 * (4 if exact else 8):
            return None
        flat = np.frombuffer(data, dtype="<i4" if exact else "<f8").reshape(-1, 2)
        points = (flat / _SCALE) + 0.0 if exact else flat.astype(np.float64)
        slots, at = [], 0
        for (routing, note, _), n in zip(info["slots"], sizes, strict=True):
            coords = None if n < 0 else points[at:at + n]
            at += max(n, 0)
            slots.append(Slot(str(routing), None if note is None else str(note), coords))
        return Entry(tuple(slots), tuple(str(w) for w in info["warnings"]))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


# --- keys -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _code() -> str:
    """The code and packages that compute lines, and the shipped table of sea paths."""
    from importlib import resources

    digest = hashlib.sha256(code_digest(_GEOMETRY_MODULES).encode())
    digest.update(versions(_GEOMETRY_PACKAGES).encode())
    table = resources.files("trafficking_route_mapper.geodata") / "data" / "sea_paths.npz"
    with contextlib.suppress(OSError):
        digest.update(table.read_bytes())
    return digest.hexdigest()


def statement_keys(legs_of: Sequence[Sequence[Leg]], sea: SeaRouter | None,
                   max_segment_km: float) -> list[str]:
    """Each statement's key in the geometry cache (:func:`statement_key`):
    the router counts only for a statement with a sea leg (asking it whether its table is in
    use loads the table)."""
    spacing = f"max_segment_km={max_segment_km!r}"
    router: list[str] = []

    def context(legs: Sequence[Leg]) -> str:
        if not any(leg.modes == ("sea",) for leg in legs):
            return spacing
        if not router:
            router.append(router_text(sea))
        return f"{spacing} {router[0]}"

    texts: dict[int, str] = {}  # each place's part of the keys, made once per build
    return [statement_key(legs, context(legs), texts) for legs in legs_of]


@dataclass(frozen=True)
class CachedLines:
    """What the geometry cache knows of a build's statements, looked up once: each
    statement's legs and key, by statement id, and the entries found."""

    legs: dict[str, list[Leg]]
    keys: dict[str, str]
    found: dict[str, Entry]

    def missing(self, routes: Sequence[ResolvedRoute]) -> list[ResolvedRoute]:
        """The statements of ``routes`` whose lines are not in the cache."""
        return [rr for rr in routes if self.keys[rr.route.id] not in self.found]


def cached_lines(routes: Sequence[ResolvedRoute], geometry: GeometryCache, sea: SeaRouter | None,
                 max_segment_km: float = MAX_SEGMENT_KM) -> CachedLines:
    """Look the statements of ``routes`` up in ``geometry`` (:class:`CachedLines`)."""
    legs = {rr.route.id: statement_legs(rr) for rr in routes}
    keys = dict(zip(legs, statement_keys(list(legs.values()), sea, max_segment_km), strict=True))
    return CachedLines(legs, keys, geometry.get_many(keys.values()))


def router_text(sea: SeaRouter | None) -> str:
    """What of the sea router shapes the lines: none (sea legs drawn as geodesics), or which
    router and whether its table of paths is in use."""
    if sea is None:
        return "geodesics"
    from trafficking_route_mapper.geodata import seaways

    return (f"{type(sea).__module__}.{type(sea).__qualname__} "
            f"table={sea._use_table and seaways._table() is not None}")


def statement_key(legs: Sequence[Leg], context: str, texts: dict[int, str] | None = None) -> str:
    """The key of a statement's lines: its legs (ends, modes, order) and ``context`` (the
    router and the spacing of points, :func:`router_text`), with :func:`_code`. ``texts``
    remembers each place's part by object, for places shared by many statements."""
    texts = {} if texts is None else texts
    parts: list[str] = [_code(), context]
    for leg in legs:
        for node in (leg.start, leg.end):
            place = node.place
            if place is None:
                parts.append(repr((node.ident, node.name)))
                continue
            text = texts.get(id(place))
            if text is None:
                text = texts[id(place)] = repr((place.key, place.name, place.kind, place.point,
                                                place.gateway))
            parts.append(f"{node.ident!r} {text}")
        parts.append(repr((leg.modes, leg.start is leg.end)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
