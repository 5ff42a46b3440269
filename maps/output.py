"""Write a build's outputs so that readers only ever see a whole build.

Every file of a build goes into a fresh staging folder beside the target; only when all of them
are written is the staging folder swapped in with two renames. A build that fails or is killed
leaves the previous output folder untouched (and at worst a stray ``.staging-*`` folder, which
the next build removes).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)


@contextlib.contextmanager
def staged_output(target: Path) -> Iterator[Path]:
    """Yield a staging folder; on success it replaces ``target`` whole, on failure it vanishes."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.chmod(0o755)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    log.info("wrote %s", target)
