"""Many runs: interventions, arms with common random numbers, backends, the store.

``politburo.experiment(...)`` runs an experiment from Python; see :func:`experiment`.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from politburo.errors import InputError
from politburo.experiment.arms import Arm, Design, build_arms
from politburo.experiment.records import ArmSummary, ExperimentSummary
from politburo.experiment.runner import (
    ExperimentResult,
    check_sizes,
    paired_difference,
    run_experiment,
)
from politburo.experiment.store import Store, StoreError
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.scenario import Scenario, load_scenario
from politburo.scenario.interventions import load_intervention_file


def experiment(
    scenario: str | Path | Scenario,
    runs: int = 1000,
    seed: int = 0,
    interventions: Sequence[str] = (),
    ablate: Sequence[str] = (),
    intervention_files: Sequence[str | Path] = (),
    params: Parameters = DEFAULT_PARAMETERS,
    store: str | Path = ":memory:",
    backend: str = "local",
    workers: int | None = None,
    chunk: int = 500,
    events: bool = False,
    branch_at: str | None = None,
    address: str | None = None,
) -> ExperimentResult:
    """Run the baseline, each intervention and each ablation over the same ``runs`` run
    indices; return the result (``.summary()``, ``.to_pandas()``, ``.to_arrow()``).

    ``store`` is a DuckDB file to stream into and resume from (in memory by default);
    ``branch_at`` (``YYYY-MM``) simulates every run to that month once and branches the
    arms from the saved state."""
    if not isinstance(params, Parameters):
        raise InputError(
            f"params: expected Parameters (e.g. Parameters.from_file(path)), "
            f"got {type(params).__name__}"
        )
    if not isinstance(scenario, str | Path | Scenario):
        raise InputError(
            f"scenario: expected a built-in id, a file name or a Scenario, "
            f"got {type(scenario).__name__}"
        )
    check_sizes(runs, chunk, workers)  # before a scenario file or an intervention is read
    spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    extra = tuple(item for path in intervention_files for item in load_intervention_file(path))
    design = Design(spec, build_arms(interventions, ablate), seed, params, extra)
    return run_experiment(
        design, runs, store, backend, workers, chunk, events, branch_at=branch_at, address=address
    )


class _CallableModule(types.ModuleType):
    """Lets ``politburo.experiment(...)`` call :func:`experiment` while
    ``politburo.experiment`` stays the package."""

    def __call__(self, *args: Any, **kwargs: Any) -> ExperimentResult:
        return experiment(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

__all__ = [
    "Arm",
    "ArmSummary",
    "Design",
    "ExperimentResult",
    "ExperimentSummary",
    "Store",
    "StoreError",
    "build_arms",
    "experiment",
    "paired_difference",
    "run_experiment",
]
