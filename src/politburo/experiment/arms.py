"""Arms of an experiment: the baseline, each intervention, each ablation.

Every arm runs the same run indices with the same seed, so run k of every arm draws the
same random numbers (common random numbers): differences between arms are the arms'.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from politburo.errors import InputError
from politburo.experiment.records import ArmKind
from politburo.kernel import source_digest
from politburo.mechanisms import enabled_mechanisms
from politburo.model.params import Parameters
from politburo.model.rng import check_seed
from politburo.model.world import World, compile_world
from politburo.scenario.interventions import InterventionError, apply_interventions
from politburo.scenario.schema import Intervention, Scenario

#: the engine's version, as stored with every experiment: the digest of the kernel's
#: sources, so that any change to the rules' code (even one that keeps results, which a
#: store cannot tell) makes a store refuse to mix old results with new ones
ENGINE_VERSION = source_digest()


@dataclass(frozen=True)
class Arm:
    """One condition of an experiment."""

    name: str
    interventions: tuple[str, ...] = ()
    ablate: tuple[str, ...] = ()

    @property
    def kind(self) -> ArmKind:
        if self.interventions:
            return "intervention"
        return "ablation" if self.ablate else "baseline"


@dataclass(frozen=True)
class Design:
    """What an experiment runs: a scenario, its arms, a seed, parameters."""

    scenario: Scenario
    arms: tuple[Arm, ...]
    seed: int
    params: Parameters
    extra_interventions: tuple[Intervention, ...] = ()
    worlds: dict[str, World] = field(default_factory=dict, compare=False, hash=False)
    patched: dict[str, Scenario] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def __post_init__(self) -> None:
        # Refused before any run: a seed out of range, and an arm whose interventions are
        # unknown or contradict one another ("a+b"). The patched scenarios are kept for
        # :meth:`world`.
        check_seed(self.seed)
        for arm in self.arms:
            self.scenario_of(arm)

    def scenario_of(self, arm: Arm) -> Scenario:
        """The scenario of an arm: its interventions applied (once)."""
        if arm.name not in self.patched:
            self.patched[arm.name] = apply_interventions(
                self.scenario, arm.interventions, self.extra_interventions
            )
        return self.patched[arm.name]

    def world(self, arm: Arm) -> World:
        """The compiled world of an arm (interventions applied)."""
        if arm.name not in self.worlds:
            self.worlds[arm.name] = compile_world(self.scenario_of(arm))
        return self.worlds[arm.name]

    @property
    def scenario_version(self) -> str:
        """A hash of the scenario's facts (and any intervention files)."""
        payload = self.scenario.model_dump_json() + "".join(
            item.model_dump_json() for item in self.extra_interventions
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    @property
    def params_version(self) -> str:
        """A hash of the mechanism parameters."""
        return hashlib.sha256(self.params.model_dump_json().encode()).hexdigest()[:16]

    @property
    def experiment_id(self) -> str:
        """Stable id of everything that fixes a run's result except its arm: scenario
        version, seed, parameters, engine. Arms are stored under it, so an arm computed
        for one experiment (the baseline, say) serves every later one."""
        spec = {
            "scenario": self.scenario.id,
            "version": self.scenario_version,
            "seed": self.seed,
            "params": self.params_version,
            "engine": ENGINE_VERSION,
        }
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def build_arms(interventions: Sequence[str], ablations: Sequence[str]) -> tuple[Arm, ...]:
    """The baseline, then one arm per intervention and one per ablation.

    Refused here, before any run: a name given as one string rather than a list of them,
    a name that is not text or names no intervention ("+"), an arm that would take the
    baseline's name, and unknown mechanisms."""
    for option, names in (("interventions", interventions), ("ablate", ablations)):
        if isinstance(names, str | bytes):
            raise InputError(f"{option}={names!r}: give a list of names, e.g. [{names!r}]")
        for name in names:
            if not isinstance(name, str):
                raise InputError(f"{option}: {name!r} is not a name")
    enabled_mechanisms(ablations)  # refuses unknown names
    arms = [Arm("baseline")]
    for name in dict.fromkeys(interventions):
        # "a+b" is one arm with both interventions applied together.
        parts = tuple(part for part in name.split("+") if part)
        if not parts:
            raise InterventionError(f"--intervention {name!r}: names no intervention")
        if name == "baseline":
            raise InterventionError(
                "--intervention 'baseline': the baseline is always run; name a counterfactual"
            )
        arms.append(Arm(name, interventions=parts))
    for name in dict.fromkeys(ablations):
        arms.append(Arm(f"ablate:{name}", ablate=(name,)))
    return tuple(arms)
