"""Tables built once per machine and kept in the user's cache folder as numpy arrays.

A table is a folder of .npy files, written whole or not at all. Opened memory-mapped, it costs
nothing to open and worker processes share its pages. A folder that is missing or damaged is
built again; where the cache folder cannot be written, the arrays built stay in memory.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path


def cache_root() -> Path:
    """Where the tables are kept: $QUALCODE_CACHE_DIR, else the user's cache folder."""
    configured = os.environ.get("QUALCODE_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return platformdirs.user_cache_path("qualcode")


def arrays(folder: Path, names: Sequence[str], build: Callable[[], Sequence]) -> list:
    """The arrays `names` of the table in `folder` (memory-mapped), built by `build` (the arrays
    in the order of `names`) when the folder does not hold them yet."""
    try:
        return _mapped(folder, names)
    except (OSError, ValueError):
        pass  # not built yet (or damaged): build it
    built = list(build())
    try:
        _keep(folder, names, built)
        return _mapped(folder, names)
    except (OSError, ValueError):  # a cache folder we cannot write: this process keeps them
        return built


def _mapped(folder: Path, names: Sequence[str]) -> list:
    import numpy as np

    return [np.load(folder / f"{name}.npy", mmap_mode="r") for name in names]


def _keep(folder: Path, names: Sequence[str], built: Sequence) -> None:
    """Write the arrays to `folder`, whole or not at all (another process may be doing the same;
    a damaged folder is replaced: processes that have its files open keep reading them)."""
    import numpy as np

    if folder.exists():
        try:
            _mapped(folder, names)
            return  # another process has just built it
        except (OSError, ValueError):
            shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    draft = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for name, array in zip(names, built, strict=True):
            np.save(draft / f"{name}.npy", array)
        os.rename(draft, folder)
    except OSError:
        if not folder.exists():
            raise
    finally:
        shutil.rmtree(draft, ignore_errors=True)
