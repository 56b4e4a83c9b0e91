"""The batched state: every array has a leading run axis (R). A single game is R = 1.

Shape letters: R runs, L leaders, O offices, G regions, C cohorts, I issues, S committee
seats, N rules.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from politburo.model.rng import run_keys
from politburo.model.world import World

NO_PATRON = -1  # committee seat or secretary owing nobody
EMPTY_SEAT = -2  # committee seat not in use (the body is smaller than its maximum)


@dataclass
class State:
    """Everything that changes during a run."""

    turn: int  # month index from the calendar start; the same for every run in a batch
    runs: NDArray[np.int64]  # (R,) run indices (for the random streams)
    keys: NDArray[np.uint64]  # (R,) random-stream keys
    alive: NDArray[np.bool_]  # (R, L)
    incapacitated: NDArray[np.bool_]  # (R, L)
    in_party: NDArray[np.bool_]  # (R, L)
    exiled: NDArray[np.bool_]  # (R, L)
    rung: NDArray[np.int8]  # (R, L) highest discipline rung applied, -1 none
    last_discipline: NDArray[np.int16]  # (R, L) turn of the last rung applied
    seat: NDArray[np.int8]  # (R, L) seat in the leadership body (0 none, 1 cand., 2 full)
    patron: NDArray[np.int64]  # (R, L) bloc leader; own index for a principal
    loyalty: NDArray[np.float64]  # (R, L) a client's loyalty to his patron
    prestige: NDArray[np.float64]  # (R, L)
    position: NDArray[np.float64]  # (R, L, I)
    line: NDArray[np.float64]  # (R, I) the party line (policy status quo)
    crisis_pressure: NDArray[np.float64]  # (R, I) direction a running crisis pushes
    crisis_salience: NDArray[np.float64]  # (R, I)
    crisis_left: NDArray[np.int16]  # (R, I) months the crisis still runs
    office_holder: NDArray[np.int64]  # (R, O) -1 vacant
    committee: NDArray[np.int64]  # (R, S) patron of each seat, NO_PATRON or EMPTY_SEAT
    control: NDArray[np.int64]  # (R, S2) the same for the control body
    secretary_patron: NDArray[np.int64]  # (R, G) NO_PATRON if none
    secretary_loyalty: NDArray[np.float64]  # (R, G)
    members: NDArray[np.float64]  # (R, G, C)
    intake_share: NDArray[np.float64]  # (R, G, L) share of intake members owing each leader
    drive_rate: NDArray[np.float64]  # (R, C) members a running recruitment drive adds a month
    drive_left: NDArray[np.int16]  # (R, C)
    ally: NDArray[np.bool_]  # (R, L, L) symmetric
    ally_since: NDArray[np.int16]  # (R, L, L) turn the alliance formed
    defeated_at: NDArray[np.int16]  # (R, L, L) turn i last lost a motion against j, -1
    faction: NDArray[np.bool_]  # (R, L) leads an organized faction
    pretext: NDArray[np.float64]  # (R, L) public evidence of factional activity
    material: NDArray[np.float64]  # (R, L, L) material leader i holds on leader j
    appeal: NDArray[np.float64]  # (R, L) standing with the rank and file from appeals
    rule_override: NDArray[np.int8]  # (R, N) -1 follow the dates, 0 off, 1 on
    real_power: NDArray[np.float64]  # (R, L) voting power of each leader's bloc
    revealed: NDArray[np.float64]  # (R, L) how much of each one's real power votes have shown
    penitent_since: NDArray[np.int64]  # (R, L) turn of the last recantation, -1 never
    led_bloc: NDArray[np.bool_]  # (R, L) has led a bloc (clients, allies or a faction)
    camp: NDArray[np.int8]  # (R, L) 0 none, 1 the front against the common threat, 2 its target's
    common_threat: NDArray[np.int64]  # (R,) the contender the front is against, -1 none
    next_threat: NDArray[np.int64]  # (R,) the contender feared most after him, -1 none
    last_plenum: NDArray[np.int64]  # (R,) turn of the last committee plenum
    # outcome records
    winner: NDArray[np.int64]  # (R,) consolidating leader, -1 none yet
    consolidated: NDArray[np.int64]  # (R,) turn of consolidation, -1
    lost_seat: NDArray[np.int64]  # (R, L) turn the leadership seat was lost, -1
    seat_lost_at: NDArray[np.int64]  # (R, L) turn of the latest loss of a seat, -1
    expelled: NDArray[np.int64]  # (R, L) turn of expulsion, -1
    exiled_at: NDArray[np.int64]  # (R, L) turn of exile, -1
    lost_office: NDArray[np.int64]  # (R, L, O) turn an office was lost, -1

    @property
    def n_runs(self) -> int:
        return int(self.runs.shape[0])

    def copy(self) -> State:
        """A deep copy (for branching a saved month)."""
        return copy.deepcopy(self)

    def select(self, index: NDArray[np.int64] | slice) -> State:
        """The sub-batch of the given runs."""
        values: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            values[f.name] = value if f.name == "turn" else np.array(value[index])
        return State(**values)


def join_states(parts: list[State]) -> State:
    """One batch from consecutive sub-batches at the same month."""
    values: dict[str, Any] = {"turn": parts[0].turn}
    for f in fields(State):
        if f.name != "turn":
            values[f.name] = np.concatenate([getattr(part, f.name) for part in parts])
    return State(**values)


def initial_state(world: World, seed: int, runs: NDArray[np.int64] | int) -> State:
    """The state at the calendar start for the given run indices (or ``range(runs)``)."""
    run_idx = np.arange(runs, dtype=np.int64) if isinstance(runs, int) else np.asarray(runs)
    R = run_idx.shape[0]
    L = world.n_leaders
    O = len(world.office_ids)  # noqa: E741
    G, C = world.members0.shape
    I = len(world.issue_ids)  # noqa: E741
    N = len(world.rule_ids)

    def tile(a: NDArray[np.generic]) -> NDArray[np.generic]:
        return np.repeat(a[None, ...], R, axis=0).copy()

    intake_share = np.zeros((R, G, L))
    return State(
        turn=0,
        runs=run_idx,
        keys=run_keys(seed, run_idx),
        alive=np.ones((R, L), dtype=bool),
        incapacitated=np.zeros((R, L), dtype=bool),
        in_party=np.ones((R, L), dtype=bool),
        exiled=np.zeros((R, L), dtype=bool),
        rung=np.full((R, L), -1, dtype=np.int8),
        last_discipline=np.full((R, L), -100, dtype=np.int16),
        seat=tile(world.seat0).astype(np.int8),
        patron=tile(world.patron0).astype(np.int64),
        loyalty=tile(world.loyalty0).astype(np.float64),
        prestige=tile(world.prestige0).astype(np.float64),
        position=tile(world.position0).astype(np.float64),
        line=tile(world.status_quo0).astype(np.float64),
        crisis_pressure=np.zeros((R, I)),
        crisis_salience=np.zeros((R, I)),
        crisis_left=np.zeros((R, I), dtype=np.int16),
        office_holder=tile(world.office_holder0).astype(np.int64),
        committee=tile(world.committee0).astype(np.int64),
        control=tile(world.control0).astype(np.int64),
        secretary_patron=tile(world.secretary_patron0).astype(np.int64),
        secretary_loyalty=tile(world.secretary_loyalty0).astype(np.float64),
        members=tile(world.members0).astype(np.float64),
        intake_share=intake_share,
        drive_rate=np.zeros((R, C)),
        drive_left=np.zeros((R, C), dtype=np.int16),
        ally=np.zeros((R, L, L), dtype=bool),
        ally_since=np.zeros((R, L, L), dtype=np.int16),
        defeated_at=np.full((R, L, L), -1, dtype=np.int16),
        faction=np.zeros((R, L), dtype=bool),
        pretext=np.zeros((R, L)),
        material=np.zeros((R, L, L)),
        appeal=np.zeros((R, L)),
        rule_override=np.full((R, N), -1, dtype=np.int8),
        real_power=np.zeros((R, L)),
        revealed=np.zeros((R, L)),
        penitent_since=np.full((R, L), -1, dtype=np.int64),
        led_bloc=np.zeros((R, L), dtype=bool),
        camp=np.zeros((R, L), dtype=np.int8),
        common_threat=np.full(R, -1, dtype=np.int64),
        next_threat=np.full(R, -1, dtype=np.int64),
        last_plenum=np.zeros(R, dtype=np.int64),
        winner=np.full(R, -1, dtype=np.int64),
        consolidated=np.full(R, -1, dtype=np.int64),
        lost_seat=np.full((R, L), -1, dtype=np.int64),
        seat_lost_at=np.full((R, L), -1, dtype=np.int64),
        expelled=np.full((R, L), -1, dtype=np.int64),
        exiled_at=np.full((R, L), -1, dtype=np.int64),
        lost_office=np.full((R, L, O), -1, dtype=np.int64),
    )
