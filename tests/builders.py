"""Small builders that write catalogue YAML for tests, and helpers to locate what they wrote.

Every builder returns plain dicts (so a test can break exactly one thing) and ``write_catalogue``
dumps them in block style, one key per line, so ``line_of`` can give the exact line of a value.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

#: SHA-256 of the Belgium country profile text the built-in catalogue codes.
SEED_SHA256 = "f73d13146b017a8c117c8f3e5bf4d142b04ecc890bd9920929cf0d6ae35085d9"

#: A short report text with two headed sections, for evidence checks against a text of our own.
MINI_REPORT = """DRUGS
Heroin destined for Belgium enters the country via the Balkan route,
the southern route (transiting in African countries before reaching Europe).

TRADE
Firearms seized in Belgium are primarily from the Balkan region.
"""

Doc = dict[str, Any]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def minimal_source(**overrides: Any) -> Doc:
    """A valid ``source`` block (the built-in report's identity unless overridden)."""
    source: Doc = {
        "id": "test-report",
        "title": "A test report",
        "publisher": "Test publisher",
        "year": 2021,
        "sha256": SEED_SHA256,
        "reporting_country": "Belgium",
    }
    source.update(overrides)
    return source


def minimal_route(**overrides: Any) -> Doc:
    """A valid two-stage route (Balkans -> Belgium by road) with one evidence item."""
    route: Doc = {
        "id": "firearms-balkans-belgium",
        "flow": "firearms-into-belgium",
        "commodity": "firearms",
        "label": "Firearms from the Balkans",
        "reporting_role": "destination",
        "stages": [{"place": "Balkans"}, {"place": "Belgium", "by": "road"}],
        "evidence": [
            {
                "section": "TRADE",
                "phrase": "Firearms seized in Belgium are primarily from the Balkan region.",
                "summary": "Most firearms seized in Belgium come from the Balkans.",
            }
        ],
    }
    route.update(copy.deepcopy(overrides))
    return route


def stages(*places: str | None) -> list[Doc]:
    """Stages naming ``places`` in order; ``None`` is an unstated end."""
    return [{"unstated": True} if p is None else {"place": p} for p in places]


def catalogue_doc(
    routes: Sequence[Doc] | None = None,
    places: Sequence[Doc] | None = None,
    source: Doc | None = None,
) -> Doc:
    doc: Doc = {"source": source if source is not None else minimal_source()}
    if places:
        doc["places"] = list(places)
    doc["routes"] = list(routes) if routes is not None else [minimal_route()]
    return doc


class _NoAliasDumper(yaml.SafeDumper):
    """Write a dict used twice as two copies, never as an anchor and an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(doc: Any) -> str:
    """Block-style YAML, keys in insertion order, one value per line."""
    return yaml.dump(doc, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=10_000)


def write_catalogue(
    tmp_path: Path,
    routes: Sequence[Doc] | None = None,
    places: Sequence[Doc] | None = None,
    source: Doc | None = None,
    name: str = "catalogue.yaml",
) -> Path:
    """Write a catalogue built from dicts to ``tmp_path / name`` and return its path."""
    path = tmp_path / name
    path.write_text(dump(catalogue_doc(routes, places, source)), encoding="utf-8")
    return path


def write_text(tmp_path: Path, text: str, name: str = "catalogue.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line of ``path`` containing ``fragment``."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if fragment in line]
    if len(hits) < occurrence:
        raise LookupError(f"{fragment!r} occurs {len(hits)} times in {path}")
    return hits[occurrence - 1]
