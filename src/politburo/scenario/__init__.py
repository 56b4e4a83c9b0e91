"""Facts: the scenario schema, a loader with precise errors, built-in scenarios."""

from politburo.scenario.loader import (
    ScenarioError,
    ScenarioProblem,
    builtin_names,
    load_scenario,
    load_scenario_file,
    parse_scenario,
)
from politburo.scenario.schema import Scenario, month_index, month_label

__all__ = [
    "Scenario",
    "ScenarioError",
    "ScenarioProblem",
    "builtin_names",
    "load_scenario",
    "load_scenario_file",
    "month_index",
    "month_label",
    "parse_scenario",
]
