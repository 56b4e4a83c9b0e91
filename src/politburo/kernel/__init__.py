"""The compiled engine: the month as per-run code.

Every rule is plain scalar code over one run — loops over leaders, seats and regions —
compiled with Numba; a batch spreads its runs over threads. The state keeps the
structure-of-arrays layout of :class:`politburo.model.state.State` (a leading run axis),
so the kernel reads and writes the very arrays the rest of the package sees.

Conventions (every kernel function follows them):

- ``k`` is a :class:`~politburo.kernel.layout.Kernel`: ``k.s`` the state arrays, ``k.d``
  the derived arrays (also with a leading run axis), ``k.w`` the world's arrays, ``k.p``
  the parameters, ``k.on`` the mechanism switches (index with
  :class:`~politburo.kernel.layout.Mechanism`), ``k.ev`` the event buffers.
- ``r`` is the batch position of the run, ``t`` the month (turn).
- Functions that change a run's state say which derived values they invalidate by calling
  :func:`politburo.kernel.derive.refresh` — the single place derived values are rebuilt.

``NUMBA_DISABLE_JIT=1`` runs the same code as plain Python, for debugging.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba

#: modules of this package that compiled code never reads (left out of the cache's key)
PLAIN_PYTHON = frozenset({"view.py"})


def source_digest() -> str:
    """A digest of every source the kernel compiles in (and the constants it reads from
    the rules): it changes with any edit of the engine's code, so it keys both the
    compile cache and stored results (:data:`politburo.experiment.arms.ENGINE_VERSION`)."""
    here = Path(__file__).resolve().parent
    model = here.parent / "model"
    compiled = [path for path in sorted(here.glob("*.py")) if path.name not in PLAIN_PYTHON]
    sources = compiled + [model / n for n in ("actions.py", "rng.py", "events.py")]
    digest = hashlib.sha1()
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_dir() -> Path:
    """Where compiled code is cached: one folder per version of the kernel's sources.

    Numba checks only a function's own file when it reuses cached code, so a change to a
    function it calls in another file would leave stale machine code behind. Keying the
    folder by every source the kernel compiles in (:func:`source_digest`) makes any edit
    start a fresh cache."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return home / "politburo" / "numba" / source_digest()


if not os.environ.get("NUMBA_CACHE_DIR"):
    numba.config.CACHE_DIR = str(_cache_dir())  # type: ignore[attr-defined]


def cache_is_cold() -> bool:
    """Whether the engine has yet to be compiled for these sources on this machine."""
    folder = Path(numba.config.CACHE_DIR or _cache_dir())  # type: ignore[attr-defined]
    return not folder.is_dir() or not any(folder.rglob("*.nbi"))
