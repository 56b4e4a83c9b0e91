"""politburo: simulate succession struggles inside single-party regimes.

>>> import politburo
>>> result = politburo.experiment("toy-3", runs=20, interventions=[])  # doctest: +SKIP

``import politburo`` is cheap: the engine (Numba), the store (DuckDB, Arrow) and the
studies load when first used, here and in every spawned worker.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
__all__ = ["experiment"]


def __getattr__(name: str) -> Any:
    if name == "experiment":  # a callable module: politburo.experiment(...)
        return importlib.import_module("politburo.experiment")
    raise AttributeError(f"module 'politburo' has no attribute {name!r}")
