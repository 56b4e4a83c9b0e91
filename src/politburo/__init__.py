"""politburo: simulate succession struggles inside single-party regimes."""

__version__ = "0.1.0"
