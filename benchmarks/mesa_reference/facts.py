"""Static scenario facts for the Mesa model, read once from the compiled ``World``.

Scenario loading is shared with the engine (``politburo.simulation.world_of``); only the
facts are taken from it, converted to plain Python values so the per-agent code never
touches numpy arrays. No engine rule is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from politburo.model.world import POWER, CompiledEffect, World
from politburo.simulation import world_of


@dataclass(frozen=True)
class Rung:
    """One rung of the discipline ladder."""

    effect: str  # censure, remove_office, remove_seat, expel, exile
    role: str  # role of the body that votes it
    joint_roles: tuple[str, ...]
    quota: float
    backing: tuple[str, ...]  # powers whose holders must be on the mover's side


@dataclass(frozen=True)
class Facts:
    """What the scenario says, as plain Python values (indices as in the engine)."""

    leader_ids: tuple[str, ...]
    actor: tuple[bool, ...]
    prestige0: tuple[float, ...]
    patron0: tuple[int, ...]
    loyalty0: tuple[float, ...]
    seat0: tuple[int, ...]
    office_ids: tuple[str, ...]
    office_powers: tuple[dict[str, float], ...]
    office_holder0: tuple[int, ...]  # -1 vacant
    office_elected_by: tuple[str, ...]
    region_ids: tuple[str, ...]
    members0: tuple[tuple[float, ...], ...]  # (region, cohort)
    intake_cohort: tuple[bool, ...]
    secretary_patron0: tuple[int, ...]  # -1 none
    secretary_loyalty0: tuple[float, ...]
    committee0: tuple[int, ...]  # seats in use: patron index or -1 uncommitted
    control0: tuple[int, ...]
    full_seats: dict[str, tuple[int, ...]]  # role -> seats in force each month
    candidate_seats: dict[str, tuple[int, ...]]
    ladder: tuple[Rung, ...]
    effects: tuple[tuple[CompiledEffect, ...], ...]  # per month
    months: int
    month_labels: tuple[str, ...]

    def leader(self, leader_id: str) -> int:
        return self.leader_ids.index(leader_id)


def facts_from_world(world: World) -> Facts:
    """Convert a compiled world to :class:`Facts`.

    Direct rungs (moved with their backing without the rungs below it, commit 46e68a5's
    ``decide.direct_rung``) are not ported: ussr-1922's ladder has none, and a world with
    one is refused rather than run with the ladder climbed a rung at a time."""
    direct = [r.effect for r in world.ladder if r.direct]
    if direct:
        raise NotImplementedError(f"direct rungs are not ported to the Mesa model: {direct}")
    power_names = {index: name for name, index in POWER.items()}
    return Facts(
        leader_ids=world.leader_ids,
        actor=tuple(bool(x) for x in world.actor),
        prestige0=tuple(float(x) for x in world.prestige0),
        patron0=tuple(int(x) for x in world.patron0),
        loyalty0=tuple(float(x) for x in world.loyalty0),
        seat0=tuple(int(x) for x in world.seat0),
        office_ids=world.office_ids,
        office_powers=tuple(
            {power_names[k]: float(v) for k, v in enumerate(row)} for row in world.office_powers
        ),
        office_holder0=tuple(int(x) for x in world.office_holder0),
        office_elected_by=world.office_elected_by,
        region_ids=world.region_ids,
        members0=tuple(tuple(float(x) for x in row) for row in world.members0),
        intake_cohort=tuple(bool(x) for x in world.intake_cohort),
        secretary_patron0=tuple(int(x) for x in world.secretary_patron0),
        secretary_loyalty0=tuple(float(x) for x in world.secretary_loyalty0),
        committee0=tuple(int(x) for x in world.committee0 if x != -2),
        control0=tuple(int(x) for x in world.control0 if x != -2),
        full_seats={role: tuple(int(x) for x in v) for role, v in world.full_seats.items()},
        candidate_seats={
            role: tuple(int(x) for x in v) for role, v in world.candidate_seats.items()
        },
        ladder=tuple(
            Rung(
                effect=r.effect,
                role=r.role,
                joint_roles=r.joint_roles,
                quota=float(r.quota),
                backing=tuple(power_names[p] for p in r.backing),
            )
            for r in world.ladder
        ),
        effects=world.effects,
        months=world.months,
        month_labels=tuple(world.month_label(t) for t in range(world.months)),
    )


@lru_cache(maxsize=8)
def facts_of(scenario: str = "ussr-1922") -> Facts:
    """Facts of a built-in scenario (compiled once per process)."""
    return facts_from_world(world_of(scenario))
