"""Content keys for what a build may reuse instead of computing again (PNGs, route geometry).

A key must change whenever the thing it stands for could: it covers the inputs themselves
and the code that turns them into output. The tool's version alone is not enough for that (a
checkout keeps one version number across many commits), so :func:`code_digest` hashes the
source files of the modules that do the work as well: an edited module changes every key made
with it, and a build never reuses what an older version of the code made.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from importlib import metadata, resources


@functools.cache
def code_digest(modules: tuple[str, ...]) -> str:
    """SHA-256 of the tool's version and the source of ``modules`` (dotted names inside the
    package, e.g. ``"maps.static"``), read once per process."""
    digest = hashlib.sha256(f"{_version('trafficking-route-mapper')}\n".encode())
    for name in modules:
        package, _, module = f"trafficking_route_mapper.{name}".rpartition(".")
        digest.update(name.encode() + b"\n")
        digest.update((resources.files(package) / f"{module}.py").read_bytes())
    return digest.hexdigest()


def versions(distributions: Iterable[str]) -> str:
    """The installed versions of ``distributions``, as one line of text."""
    return " ".join(f"{name}={_version(name)}" for name in distributions)


@functools.cache
def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"
