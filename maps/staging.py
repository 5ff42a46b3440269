"""Write a build's outputs so that readers only ever see a whole build, and nothing else is lost.

The rules, in the order a build meets them:

1. **Only our own folders are replaced.** Every build writes ``manifest.json`` into its output
   folder: the tool, its version and every file it wrote (path, size, SHA-256). A target that
   exists and is not empty is replaced only when it is such a build (or an output of this
   tool from before manifests existed, recognised by its own files) and holds nothing the
   build did not write. Anything else (``-o .``, ``-o ~/Documents``, a build folder a person
   added notes to) is refused with :class:`OutputRefusedError`; ``force=True`` replaces it
   anyway and logs what it removes. Some folders are never replaced, forced or not: the
   filesystem root, the home folder, the working directory or a folder above it, and any
   folder that holds one of the build's inputs.
2. **One build at a time per folder.** A lock file beside the target
   (``.<name>.lock``, an ``flock``) is held for the whole build; a second build into the same
   folder waits for it, saying so. The lock dies with its process, so a killed build never
   leaves a folder locked.
3. **The switch is one atomic step.** Files go into a staging folder beside the target; when
   every file is written, ``renameat2(RENAME_EXCHANGE)`` swaps the staging folder and the
   target in one system call (or, with no previous output, one ``rename``). A reader or a
   crash sees the old build or the new one, never neither. Where the exchange is not
   available (not Linux, or a filesystem without it), two renames are used and the next build
   repairs what a crash between them left (rule 4).
4. **The next build recovers.** With the lock held, leftovers of a killed build are dealt with
   before anything else: stale staging folders are removed, and a previous output left under
   ``.<name>.old`` by the two-rename fallback is put back if the target is missing.
5. **What has not changed is taken from the previous output.** A file written with a *key*
   (a hash of everything that determines its bytes, :mod:`geodata.fingerprint`) has the key
   recorded in the manifest; the next build, finding the same key for the same path and the
   file still as the manifest describes it (size and SHA-256 checked), links it into the
   staging folder instead of making it again (:class:`PreviousOutput`). The bytes are those a
   build from scratch would write: the key covers every input.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import orjson

from trafficking_route_mapper.routes.errors import OutputRefusedError

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
TOOL = "trafficking-route-mapper"
#: What a build of this tool from before manifests wrote at its top level; a folder holding
#: exactly such entries, with our own page and GeoJSON inside, is recognised as our output.
_LEGACY_ENTRIES = frozenset({"commodity", "flowmap", "flows.csv", "geojson", "index.html", "png",
                             "routes.geojson", "routes.gpkg"})
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def tool_version() -> str:
    try:
        return metadata.version(TOOL)
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


@contextlib.contextmanager
def staged_output(target: Path, force: bool = False, inputs: Sequence[Path] = (),
                  keys: Mapping[str, str] | None = None) -> Iterator[Path]:
    """Yield a staging folder; on success it replaces ``target`` whole, on failure it vanishes.

    ``inputs`` are the files the build reads (catalogues, source texts): a target holding one
    of them is refused. ``keys`` (relative path -> key), read when the block ends, so that the
    caller may fill it inside, are recorded in the manifest for the next build to reuse
    (rule 5). Raises :class:`OutputRefusedError` before anything is written when the target
    may not be replaced (see the module docstring).
    """
    target = Path(os.path.abspath(target))
    _refuse_protected(target, inputs)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        _recover(target)
        removed = _check_replaceable(target, force)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
        try:
            yield staging
            write_manifest(staging, keys or {})
            staging.chmod(0o777 & ~_umask())
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if removed:
            log.warning("--force: replacing %s, which was not a build of this tool; removed: %s",
                        target, removed)
        _switch(staging, target)
    log.info("wrote %s", target)


# --- what may be replaced -------------------------------------------------------------------


def check_target(target: Path, force: bool = False, inputs: Sequence[Path] = ()) -> None:
    """Raise :class:`OutputRefusedError` now if a build could not replace ``target`` (the
    check :func:`staged_output` makes again under the lock): a caller can refuse before
    doing any work."""
    target = Path(os.path.abspath(target))
    _refuse_protected(target, inputs)
    _check_replaceable(target, force)


def _refuse_protected(target: Path, inputs: Sequence[Path]) -> None:
    """Folders no build may replace, whatever ``force`` says."""
    real = Path(os.path.realpath(target))
    cwd = Path(os.path.realpath(Path.cwd()))
    home = Path(os.path.realpath(Path.home()))
    reason = None
    if real == real.parent:
        reason = "it is the root of the filesystem"
    elif real == home:
        reason = "it is your home folder"
    elif real == cwd or real in cwd.parents:
        reason = "it is the current folder (or a folder above it)"
    else:
        for path in inputs:
            if real in Path(os.path.realpath(path)).parents:
                reason = f"it holds {path}, an input of this build"
                break
    if reason is not None:
        raise OutputRefusedError(
            f"{target}: will not write the build here because {reason}; a build replaces its "
            "output folder whole. Choose a folder of its own, e.g. --out maps")


def _check_replaceable(target: Path, force: bool) -> str:
    """Raise unless ``target`` may be replaced; with ``force``, what replacing it removes."""
    if not os.path.lexists(target):
        return ""
    if target.is_symlink() or not target.is_dir():
        problem = "is not a folder"
        entries: list[str] = [target.name]
    else:
        entries = sorted(p.name + ("/" if p.is_dir() else "") for p in target.iterdir())
        if not entries:
            return ""
        foreign = _foreign_entries(target)
        if foreign is None:
            problem = "is not an output of this tool (it has no manifest.json)"
        elif foreign:
            problem = "holds files the previous build did not write: " + _listing(foreign)
        else:
            return ""
    if force:
        return _listing(entries)
    raise OutputRefusedError(
        f"{target} {problem}; a build replaces its output folder whole, so it refuses to "
        "replace this one. Choose another --out, or add --force to replace it and lose what "
        "it holds")


def _foreign_entries(folder: Path) -> list[str] | None:
    """What in ``folder`` the build that wrote it did not write; None if no build wrote it."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return [] if _is_legacy_build(folder) else None
    try:
        data = orjson.loads(manifest.read_bytes())
        listed = {str(item["path"]) for item in data["files"]} if data.get("tool") == TOOL else None
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        listed = None
    if listed is None:
        return None
    present = {str(p.relative_to(folder)) for p in folder.rglob("*")
               if p.is_file() or p.is_symlink()} - {MANIFEST}
    return sorted(present - listed)


def _is_legacy_build(folder: Path) -> bool:
    names = {p.name for p in folder.iterdir()}
    if not names <= _LEGACY_ENTRIES or "index.html" not in names:
        return False
    try:
        with (folder / "index.html").open("rb") as page:
            text = page.read()
    except OSError:
        return False
    return b'id="trm-data"' in text


def _listing(names: Iterable[str], limit: int = 8) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# --- the manifest ---------------------------------------------------------------------------


def write_manifest(folder: Path, keys: Mapping[str, str] | None = None) -> Path:
    """``manifest.json``: the tool, its version and every file in ``folder`` (path, bytes,
    SHA-256, and its key where ``keys`` gives one), sorted by path; no time stamp, so the same
    build gives the same bytes."""
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative == MANIFEST:
            continue
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        entry = {"path": relative, "bytes": path.stat().st_size, "sha256": digest.hexdigest()}
        if keys and relative in keys:
            entry["key"] = keys[relative]
        files.append(entry)
    body = {"tool": TOOL, "version": tool_version(), "files": files}
    out = folder / MANIFEST
    out.write_bytes(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
    return out


@dataclass(frozen=True)
class _Recorded:
    bytes: int
    sha256: str
    key: str


class PreviousOutput:
    """The keyed files of the output a build is about to replace, as its manifest lists them
    (rule 5 of the module docstring). Read with the build's lock held, so the folder cannot
    change underneath; a missing or unreadable manifest just means nothing is reused."""

    def __init__(self, target: Path) -> None:
        self.folder = Path(os.path.abspath(target))
        self._files: dict[str, _Recorded] = {}
        try:
            data = orjson.loads((self.folder / MANIFEST).read_bytes())
            if data.get("tool") == TOOL:
                self._files = {str(f["path"]): _Recorded(int(f["bytes"]), str(f["sha256"]),
                                                         str(f["key"]))
                               for f in data["files"] if "key" in f}
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError,
                AttributeError):
            self._files = {}

    def reuse(self, relative: str, key: str, dest: Path) -> bool:
        """Link (or, where links are not possible, copy) the previous ``relative`` to ``dest``
        if it was written with ``key`` and is still the file its manifest describes; False
        otherwise (the caller then makes the file)."""
        recorded = self._files.get(relative)
        if recorded is None or recorded.key != key:
            return False
        source = self.folder / relative
        try:
            if source.is_symlink() or source.stat().st_size != recorded.bytes:
                return False
            digest = hashlib.sha256()
            with source.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            if digest.hexdigest() != recorded.sha256:
                return False  # changed by hand since: made again
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, dest)
            except OSError:  # a filesystem without hard links
                shutil.copyfile(source, dest)
        except OSError:
            return False
        return True


# --- locking, recovery and the switch -------------------------------------------------------


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold ``.<name>.lock`` beside ``target`` for the duration (no-op where flock is missing)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: one build at a time is then the user's business
        yield
        return
    path = target.parent / f".{target.name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            log.warning("another build (process %s) is writing %s; waiting for it to finish",
                        holder, target)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race)


def _recover(target: Path) -> None:
    """Deal with what a killed build left beside ``target`` (called with the lock held)."""
    for stale in target.parent.glob(f".{target.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    old = target.parent / f".{target.name}.old"
    if os.path.lexists(old):
        if os.path.lexists(target):
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.rename(target)
            log.warning("restored %s from %s, left by a build that was interrupted while "
                        "switching folders", target, old.name)


def _switch(staging: Path, target: Path) -> None:
    """Make ``staging`` the target in one atomic step; remove the previous output after."""
    if not os.path.lexists(target):
        staging.rename(target)
        return
    if _exchange(staging, target):
        _remove(staging)  # now the previous output
        return
    old = target.parent / f".{target.name}.old"
    target.rename(old)
    staging.rename(target)  # a crash between the two renames is repaired by _recover
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # a kernel or filesystem without the exchange
    raise OSError(code, os.strerror(code), str(b))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_file(path: Path, data: bytes) -> None:
    """Replace one file whole or not at all (a temporary file beside it, then a rename), with
    the permissions a new file gets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
