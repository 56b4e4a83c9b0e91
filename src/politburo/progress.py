"""The one way long work reports how far it has come.

Every long computation in the package (an experiment's runs, a validation, an
attribution, a calibration, a report, a single ``simulate``) takes an optional
``progress`` argument of type :class:`Progress` and calls it as units of work finish.
The command line turns the calls into a Rich progress bar, the web into a percentage;
library callers may pass any function of this shape, or nothing."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Told that ``done`` of ``total`` units of the part ``stage`` are finished.

    ``stage`` names the part under way (``"runs"``, ``"mechanisms"``, ``"trials"`` ...);
    a computation with one part may pass ``""``. ``done`` counts from 0 and never goes
    down within a stage; ``total`` is the stage's whole (it may be told before any unit
    is done, as ``progress(stage, 0, total)``)."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...
