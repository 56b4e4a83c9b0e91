"""What the kernel sees: the state, derived values, world, parameters, switches and event
buffers of a batch, as tuples of arrays (Numba compiles attribute access on named tuples
to plain loads).

Shape letters as in :mod:`politburo.model.state`: R runs, L leaders, O offices,
G regions, C cohorts, I issues, S committee seats, S2 control seats, N rules, K rungs,
P power kinds, T months, E scheduled effects.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import fields
from enum import IntEnum
from typing import Any

import numba
import numpy as np
from numba.core import types
from numba.experimental import structref
from numpy.typing import NDArray

from politburo.model.params import HeuristicWeights, Parameters
from politburo.model.state import State
from politburo.model.world import POWER, World


def record(name: str, field_names: Sequence[str]) -> Any:
    """A record type the kernel reads by attribute: a Numba StructRef (passed to compiled
    code as one pointer, so calls stay cheap to compile and to make), or a plain named
    tuple when ``NUMBA_DISABLE_JIT=1`` runs the kernel as Python.

    Build it with positional values in field order; from Python its fields read as
    attributes too."""
    if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]
        return namedtuple(name, field_names)

    class _Type(types.StructRef):
        def preprocess_fields(self, fs: Any) -> Any:
            return tuple((n, types.unliteral(t)) for n, t in fs)  # type: ignore[no-untyped-call]

    _Type.__name__ = _Type.__qualname__ = f"{name}Type"
    _Type.__module__ = __name__
    structref.register(_Type)  # type: ignore[no-untyped-call]
    names = tuple(field_names)

    def __new__(cls: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs:
            args = args + tuple(kwargs.pop(n) for n in names[len(args) :])
            if kwargs:
                raise TypeError(f"{name}: unknown fields {sorted(kwargs)}")
        return structref.StructRefProxy.__new__(cls, *args)  # type: ignore[no-untyped-call]

    namespace: dict[str, Any] = {"__module__": __name__, "_fields": names, "__new__": __new__}
    for field_name in field_names:
        getter: Any = numba.njit(eval(f"lambda record: record.{field_name}"))
        namespace[field_name] = property(lambda self, get=getter: get(self))  # type: ignore[misc]
    proxy = type(name, (structref.StructRefProxy,), namespace)
    proxy.__qualname__ = name
    structref.define_proxy(proxy, _Type, list(field_names))  # type: ignore[no-untyped-call]
    globals()[_Type.__name__] = _Type
    return proxy


class Mechanism(IntEnum):
    """Index of each mechanism in the kernel's switch array (``k.on[Mechanism.POLICY]``)."""

    APPOINTMENT = 0
    BODIES_AND_VOTES = 1
    CONGRESS_ELECTIONS = 2
    RECRUITMENT = 3
    INFORMATION = 4
    FACTION_BAN = 5
    LEGITIMACY = 6
    ALLIANCES = 7
    DISCIPLINE = 8
    POLICY = 9
    TRAITS = 10
    PERCEPTION = 11


class Role(IntEnum):
    """Body roles, as integers."""

    LEADERSHIP = 0
    COMMITTEE = 1
    CONTROL = 2
    CONGRESS = 3
    SECRETARIAT = 4


ROLE_CODE = {role.name.lower(): int(role) for role in Role}


class RungEffect(IntEnum):
    """What a rung of the discipline ladder does."""

    CENSURE = 0
    REMOVE_OFFICE = 1
    REMOVE_SEAT = 2
    EXPEL = 3
    EXILE = 4


class Power(IntEnum):
    """Power kinds of offices (columns of ``office_powers``)."""

    APPOINTMENT = POWER["appointment"]
    RECRUITMENT = POWER["recruitment"]
    INFORMATION = POWER["information"]
    AGENDA = POWER["agenda"]
    POLICE = POWER["police"]
    ARMY = POWER["army"]
    PRESTIGE = POWER["prestige"]
    PRESS = POWER["press"]


class Trait(IntEnum):
    """Columns of the trait matrix."""

    AMBITION = 0
    ORGANIZATION = 1
    ORATORY = 2
    CUNNING = 3
    ARROGANCE = 4
    RIGIDITY = 5


STATE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(State) if f.name != "turn")
#: the state's arrays (every State field but the batch-wide ``turn``), shared, not copied
StateArrays = record("StateArrays", STATE_FIELDS)

#: derived values, recomputed by :func:`politburo.kernel.derive.refresh`; the ``*_ok``
#: flags mark lazily computed relations (coalition, distances, perception, threats,
#: dominant blocs) as valid for a run
Derived = record(
    "Derived",
    [
        "present",  # (R, L) bool alive, in party, capable, not exiled
        "can_act",  # (R, L) bool present and an actor
        "principal",  # (R, L) bool present bloc leaders
        "powers",  # (R, L, P) powers of the offices each leader holds
        "info",  # (R, L) information, 0-1
        "ban",  # (R,) bool the faction ban is in force
        "lead_votes",  # (R, L) int64 full leadership seats per bloc
        "comm_votes",  # (R, L) int64 committee seats per bloc
        "seen",  # (R, L) seen power
        "coalition",  # (R, L, L) bool j in i's coalition
        "coalition_ok",  # (R,) bool
        "distance",  # (R, L, L) policy distance by i's salience
        "distance_ok",  # (R,) bool
        "perceived",  # (R, L, L) i's estimate of j's power
        "perceived_ok",  # (R,) bool
        "threat",  # (R, L, L) how much i fears j
        "threat_ok",  # (R,) bool
        "dominant",  # (R, 3) dominant bloc per role (leadership, committee, control)
        "dominant_ok",  # (R, 3) bool
    ],
)

#: the scenario's facts as arrays (static for a batch)
WorldArrays = record(
    "WorldArrays",
    [
        "months",  # int T
        "actor",  # (L,) bool
        "traits",  # (L, 6) effective traits (neutral when the mechanism is off)
        "stigma",  # (L,) effective stigma
        "prestige0",  # (L,)
        "salience",  # (L, I)
        "salience_mean",  # (I,) mean salience over leaders (as numpy computes it)
        "office_powers",  # (O, P)
        "office_weight",  # (O,) sum of an office's powers (as numpy computes it)
        "office_reports_to",  # (O,) int64, -1 none
        "office_elected_by",  # (O,) int64 Role
        "intake_cohort",  # (C,) bool
        "intake",  # int the first intake cohort, -1 none
        "rule_schedule",  # (T, N) bool
        "rule_is_ban",  # (N,) bool
        "full_seats",  # (5, T) int64 by Role (zeros for roles the scenario lacks)
        "candidate_seats",  # (5, T) int64
        "has_control",  # bool the scenario has a control body
        "rung_effect",  # (K,) int64 RungEffect
        "rung_role",  # (K,) int64 Role of the deciding body
        "rung_joint",  # (K, 5) bool joint sitting with each role
        "rung_quota",  # (K,)
        "rung_direct",  # (K,) bool may be moved without the rungs below it, with its backing
        "rung_backing",  # (K, P) bool power kinds whose holders must back the mover
        "backing_offices",  # (K, O) bool offices whose holder must be on the mover's side
    ],
)

#: per-run event buffers of fixed-width records
EventBuffers = record(
    "EventBuffers",
    [
        "ints",  # (R, CAP, 7) int64: turn, kind, actor, target, obj, yes, no
        "value",  # (R, CAP) float64
        "count",  # (R,) int64 records written
        "lost",  # (R,) int64 records that did not fit (overflow)
        "record_all",  # (1,) bool False: keep only the always-kept kinds
    ],
)

#: everything a kernel function reads: state, derived, world, parameters, switches,
#: event buffers and the scheduled effects
Kernel = record("Kernel", ["s", "d", "w", "p", "on", "ev", "fx"])


def _param_fields() -> list[str]:
    top = [name for name in Parameters.model_fields if name != "heuristic"]
    return top + [f"h_{name}" for name in HeuristicWeights.model_fields]


PARAM_FIELDS: tuple[str, ...] = tuple(_param_fields())
#: every mechanism constant, flat: heuristic weights are prefixed ``h_``
ParamValues = record("ParamValues", PARAM_FIELDS)


def pack_params(params: Parameters) -> Any:
    """The parameters as a flat named tuple of floats (ints stay ints)."""
    values: dict[str, Any] = {}
    for name in Parameters.model_fields:
        if name == "heuristic":
            continue
        values[name] = getattr(params, name)
    for name in HeuristicWeights.model_fields:
        values[f"h_{name}"] = getattr(params.heuristic, name)
    return ParamValues(*(v if isinstance(v, int) else float(v) for v in values.values()))


def pack_mechanisms(on: frozenset[str]) -> NDArray[np.bool_]:
    """(12,) switch array indexed by :class:`Mechanism`."""
    flags = np.zeros(len(Mechanism), dtype=np.bool_)
    for m in Mechanism:
        flags[m] = m.name.lower() in on
    return flags


def pack_state(state: State) -> Any:
    """The state's arrays as a named tuple (views: the kernel writes into ``state``)."""
    return StateArrays(*(getattr(state, name) for name in STATE_FIELDS))


def pack_world(world: World, params: Parameters, on: frozenset[str]) -> Any:
    """The world's facts as arrays the kernel can read."""
    from politburo.model.traits import effective_traits

    traits, stigma = effective_traits(world, params, on)
    T = world.months
    full = np.zeros((len(Role), T), dtype=np.int64)
    cand = np.zeros((len(Role), T), dtype=np.int64)
    for role, seats in world.full_seats.items():
        full[ROLE_CODE[role]] = seats
    for role, seats in world.candidate_seats.items():
        cand[ROLE_CODE[role]] = seats
    K = len(world.ladder)
    O, P = world.office_powers.shape  # noqa: E741
    rung_effect = np.array([RungEffect[r.effect.upper()] for r in world.ladder], dtype=np.int64)
    rung_role = np.array([ROLE_CODE[r.role] for r in world.ladder], dtype=np.int64)
    rung_joint = np.zeros((K, len(Role)), dtype=np.bool_)
    rung_backing = np.zeros((K, P), dtype=np.bool_)
    backing_offices = np.zeros((K, O), dtype=np.bool_)
    for k, rung in enumerate(world.ladder):
        for role in rung.joint_roles:
            rung_joint[k, ROLE_CODE[role]] = True
        for power in rung.backing:
            rung_backing[k, power] = True
            backing_offices[k] |= world.office_powers[:, power] >= params.backing_threshold
    intake = np.flatnonzero(world.intake_cohort)
    return WorldArrays(
        months=T,
        actor=np.ascontiguousarray(world.actor, dtype=np.bool_),
        traits=np.ascontiguousarray(traits, dtype=np.float64),
        stigma=np.ascontiguousarray(stigma, dtype=np.float64),
        prestige0=np.ascontiguousarray(world.prestige0, dtype=np.float64),
        salience=np.ascontiguousarray(world.salience, dtype=np.float64),
        salience_mean=world.salience.mean(axis=0),
        office_powers=np.ascontiguousarray(world.office_powers, dtype=np.float64),
        office_weight=world.office_powers.sum(axis=1),
        office_reports_to=np.ascontiguousarray(world.office_reports_to, dtype=np.int64),
        office_elected_by=np.array(
            [ROLE_CODE[role] for role in world.office_elected_by], dtype=np.int64
        ),
        intake_cohort=np.ascontiguousarray(world.intake_cohort, dtype=np.bool_),
        intake=int(intake[0]) if intake.size else -1,
        rule_schedule=np.ascontiguousarray(world.rule_schedule, dtype=np.bool_),
        rule_is_ban=np.array([kind == "faction_ban" for kind in world.rule_kind], dtype=np.bool_),
        full_seats=full,
        candidate_seats=cand,
        has_control="control" in world.full_seats,
        rung_effect=rung_effect,
        rung_role=rung_role,
        rung_joint=rung_joint,
        rung_quota=np.array([r.quota for r in world.ladder], dtype=np.float64),
        rung_direct=np.array([r.direct for r in world.ladder], dtype=np.bool_),
        rung_backing=rung_backing,
        backing_offices=backing_offices,
    )


def new_derived(runs: int, world: World) -> Any:
    """Zeroed derived arrays for ``runs`` runs (fill with :func:`derive.refresh_all`)."""
    L = world.n_leaders
    P = world.office_powers.shape[1]
    return Derived(
        present=np.zeros((runs, L), dtype=np.bool_),
        can_act=np.zeros((runs, L), dtype=np.bool_),
        principal=np.zeros((runs, L), dtype=np.bool_),
        powers=np.zeros((runs, L, P)),
        info=np.zeros((runs, L)),
        ban=np.zeros(runs, dtype=np.bool_),
        lead_votes=np.zeros((runs, L), dtype=np.int64),
        comm_votes=np.zeros((runs, L), dtype=np.int64),
        seen=np.zeros((runs, L)),
        coalition=np.zeros((runs, L, L), dtype=np.bool_),
        coalition_ok=np.zeros(runs, dtype=np.bool_),
        distance=np.zeros((runs, L, L)),
        distance_ok=np.zeros(runs, dtype=np.bool_),
        perceived=np.zeros((runs, L, L)),
        perceived_ok=np.zeros(runs, dtype=np.bool_),
        threat=np.zeros((runs, L, L)),
        threat_ok=np.zeros(runs, dtype=np.bool_),
        dominant=np.zeros((runs, 3), dtype=np.int64),
        dominant_ok=np.zeros((runs, 3), dtype=np.bool_),
    )


def new_events(runs: int, capacity: int, record_all: bool) -> Any:
    """Empty event buffers of ``capacity`` records per run."""
    return EventBuffers(
        ints=np.zeros((runs, capacity, 7), dtype=np.int64),
        value=np.zeros((runs, capacity)),
        count=np.zeros(runs, dtype=np.int64),
        lost=np.zeros(runs, dtype=np.int64),
        record_all=np.array([record_all]),
    )
