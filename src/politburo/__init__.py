"""politburo: simulate succession struggles inside single-party regimes.

>>> import politburo
>>> result = politburo.experiment("toy-3", runs=20, interventions=[])  # doctest: +SKIP
"""

from politburo import experiment

__version__ = "0.1.0"
__all__ = ["experiment"]
