"""The month's working context: state, facts, constants, switches, and what follows from
them (who can act, blocs, offices' powers, information, seen power).

Derived quantities are recomputed by :meth:`Context.refresh` rather than stored in the
state, so the state holds only what cannot be derived.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from politburo.model.events import EventLog
from politburo.model.params import Parameters
from politburo.model.perception import perceived_power, seen_power
from politburo.model.rng import Stream, uniform
from politburo.model.state import State
from politburo.model.traits import effective_traits
from politburo.model.world import POWER, SEAT_FULL, TRAIT, World


@dataclass
class Context:
    """Everything a mechanism needs for one month. Mechanisms update ``state`` in place
    and write what they did to ``log``."""

    world: World
    params: Parameters
    on: frozenset[str]
    state: State
    log: EventLog
    # derived, filled by refresh()
    traits: NDArray[np.float64] = field(init=False)  # (L, 6)
    stigma: NDArray[np.float64] = field(init=False)  # (L,)
    present: NDArray[np.bool_] = field(init=False)  # (R, L) alive, in party, capable
    can_act: NDArray[np.bool_] = field(init=False)  # (R, L) present and an actor
    principal: NDArray[np.bool_] = field(init=False)  # (R, L) present bloc leaders
    powers: NDArray[np.float64] = field(init=False)  # (R, L, P) powers of offices held
    info: NDArray[np.float64] = field(init=False)  # (R, L) information, 0-1
    faction_ban: NDArray[np.bool_] = field(init=False)  # (R,)
    leadership_votes: NDArray[np.int64] = field(init=False)  # (R, L) full seats per bloc
    committee_votes: NDArray[np.int64] = field(init=False)  # (R, L) committee seats per bloc
    seen_power: NDArray[np.float64] = field(init=False)  # (R, L) what outsiders see
    _perceived: NDArray[np.float64] | None = field(init=False, default=None)
    _coalition: NDArray[np.bool_] | None = field(init=False, default=None)
    _distance: NDArray[np.float64] | None = field(init=False, default=None)
    cache: dict[str, NDArray[np.generic]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.traits, self.stigma = effective_traits(self.world, self.params, self.on)
        self.refresh()

    @property
    def perceived(self) -> NDArray[np.float64]:
        """(R, L, L) leader i's estimate of leader j's power (computed when first asked)."""
        if self._perceived is None:
            self._perceived = perceived_power(
                self.state.real_power, self.seen_power, self.info, "perception" in self.on
            )
        return self._perceived

    @property
    def rows(self) -> NDArray[np.int64]:
        return np.arange(self.state.n_runs)

    def random(
        self,
        stream: Stream,
        shape: tuple[int, ...] = (),
        runs: NDArray[np.int64] | None = None,
        salt: NDArray[np.int64] | int = 0,
    ) -> NDArray[np.float64]:
        """Uniform numbers for this month and stream: (R, *shape), or (len(runs), *shape)
        for the given batch positions; ``salt`` separates draws within a month."""
        keys = self.state.keys if runs is None else self.state.keys[runs]
        return uniform(keys, self.state.turn, stream, shape, salt)

    def leverage(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Scale factor from a 0-1 quality: (1 - leverage) + leverage * value."""
        lev = self.params.trait_leverage
        return (1.0 - lev) + lev * values

    def trait(self, name: str) -> NDArray[np.float64]:
        """(L,) one trait of every leader (neutral when the traits mechanism is off)."""
        return self.traits[:, TRAIT[name]]

    def refresh(self) -> None:
        """Recompute the derived quantities after the state changed."""
        w, s, p = self.world, self.state, self.params
        L = w.n_leaders
        self._perceived = None
        self.forget_relations()
        self._distance = None
        self.present = s.alive & s.in_party & ~s.incapacitated & ~s.exiled
        self.can_act = self.present & w.actor[None, :]
        own = np.arange(L)[None, :]
        self.principal = (s.patron == own) & self.present

        held = np.zeros((s.n_runs, L, len(w.office_ids)))
        rows, offices = np.nonzero(s.office_holder >= 0)
        held[rows, s.office_holder[rows, offices], offices] = 1.0
        self.powers = held @ w.office_powers  # (R, L, P)
        info = self.powers[:, :, POWER["information"]].copy()
        # An office's information also reaches the holder of the office it reports to.
        for o in np.flatnonzero(w.office_reports_to >= 0):
            boss = s.office_holder[:, w.office_reports_to[o]]
            source = s.office_holder[:, o]
            ok = (boss >= 0) & (source >= 0)
            info[self.rows[ok], boss[ok]] += w.office_powers[o, POWER["information"]]
        if "information" in self.on:
            self.info = np.clip(info, 0.0, 1.0)
        else:
            self.info = np.zeros_like(info)

        ban = np.zeros(s.n_runs, dtype=bool)
        if "faction_ban" in self.on:
            for n, kind in enumerate(w.rule_kind):
                if kind != "faction_ban":
                    continue
                scheduled = bool(w.rule_schedule[min(s.turn, w.months - 1), n])
                override = s.rule_override[:, n]
                ban |= np.where(override < 0, scheduled, override == 1)
        self.faction_ban = ban

        voting = (s.seat == SEAT_FULL) & self.present
        self.leadership_votes = _count_by_bloc(s.patron, voting, L)
        committed = s.committee >= 0
        seat_bloc = s.patron[self.rows[:, None], np.maximum(s.committee, 0)]
        self.committee_votes = _count_by_bloc(seat_bloc, committed, L)

        self.seen_power = seen_power(
            s.prestige,
            self.trait("oratory"),
            self.powers[:, :, POWER["prestige"]],
            self.present,
            p,
        )

    def forget_relations(self) -> None:
        """Drop what depends on alliances (after alliances change)."""
        self._coalition = None
        self.cache.clear()

    def pairwise_distance(self) -> NDArray[np.float64]:
        """(R, L, L) policy distance between every two leaders, by the first one's
        salience (zeros when the policy mechanism is off)."""
        if self._distance is None:
            s, w = self.state, self.world
            if "policy" in self.on:
                from politburo.model.votes import policy_distance

                self._distance = policy_distance(
                    s.position[:, :, None, :],
                    s.position[:, None, :, :],
                    w.salience[None, :, None, :],
                )
            else:
                self._distance = np.zeros((s.n_runs, w.n_leaders, w.n_leaders))
        return self._distance

    def bloc_of(self, leaders: NDArray[np.int64]) -> NDArray[np.int64]:
        """(R,) bloc leader of one leader per run (-1 stays -1)."""
        safe = np.maximum(leaders, 0)
        return np.where(leaders >= 0, self.state.patron[self.rows, safe], -1)

    def coalition(self) -> NDArray[np.bool_]:
        """(R, L, L): j is in i's coalition (same bloc, or blocs allied)."""
        if self._coalition is None:
            s = self.state
            same = s.patron[:, :, None] == s.patron[:, None, :]
            if "alliances" in self.on:
                rows = self.rows[:, None, None]
                same = same | s.ally[rows, s.patron[:, :, None], s.patron[:, None, :]]
            self._coalition = same
        return self._coalition


def _count_by_bloc(bloc: NDArray[np.int64], mask: NDArray[np.bool_], L: int) -> NDArray[np.int64]:
    """(R, L) how many masked members (R, M) belong to each bloc leader."""
    R = bloc.shape[0]
    flat = (np.arange(R)[:, None] * L + bloc)[mask]
    return np.bincount(flat, minlength=R * L).reshape(R, L).astype(np.int64)
