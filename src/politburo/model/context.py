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
        for name, value in self._derive(slice(None)).items():
            setattr(self, name, value)

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

    def refresh(self, rows: NDArray[np.int64] | None = None) -> None:
        """Recompute the derived quantities after the state changed, for every run or
        only the batch positions ``rows`` (the others are known not to have changed)."""
        self._perceived = None
        self.forget_relations()
        self._distance = None
        if rows is None:
            derived = self._derive(slice(None))
            for name, value in derived.items():
                setattr(self, name, value)
            return
        if rows.size == 0:
            return
        derived = self._derive(rows)
        for name, value in derived.items():
            getattr(self, name)[rows] = value

    def _derive(self, rows: slice | NDArray[np.int64]) -> dict[str, NDArray[np.generic]]:
        """The derived arrays for the runs ``rows`` select."""
        w, s, p = self.world, self.state, self.params
        L = w.n_leaders
        alive, in_party = s.alive[rows], s.in_party[rows]
        present = alive & in_party & ~s.incapacitated[rows] & ~s.exiled[rows]
        patron = s.patron[rows]
        holder = s.office_holder[rows]
        n = patron.shape[0]
        index = np.arange(n)

        held = np.zeros((n, L, len(w.office_ids)))
        r, offices = np.nonzero(holder >= 0)
        held[r, holder[r, offices], offices] = 1.0
        powers = held @ w.office_powers  # (n, L, P)
        info = powers[:, :, POWER["information"]].copy()
        # An office's information also reaches the holder of the office it reports to.
        for o in np.flatnonzero(w.office_reports_to >= 0):
            boss = holder[:, w.office_reports_to[o]]
            source = holder[:, o]
            ok = (boss >= 0) & (source >= 0)
            info[index[ok], boss[ok]] += w.office_powers[o, POWER["information"]]
        info = np.clip(info, 0.0, 1.0) if "information" in self.on else np.zeros_like(info)

        ban = np.zeros(n, dtype=bool)
        if "faction_ban" in self.on:
            for k, kind in enumerate(w.rule_kind):
                if kind != "faction_ban":
                    continue
                scheduled = bool(w.rule_schedule[min(s.turn, w.months - 1), k])
                override = s.rule_override[rows, k]
                ban |= np.where(override < 0, scheduled, override == 1)

        voting = (s.seat[rows] == SEAT_FULL) & present
        committee = s.committee[rows]
        committed = committee >= 0
        seat_bloc = patron[index[:, None], np.maximum(committee, 0)]
        return {
            "present": present,
            "can_act": present & w.actor[None, :],
            "principal": (patron == np.arange(L)[None, :]) & present,
            "powers": powers,
            "info": info,
            "faction_ban": ban,
            "leadership_votes": _count_by_bloc(patron, voting, L),
            "committee_votes": _count_by_bloc(seat_bloc, committed, L),
            "seen_power": seen_power(
                s.prestige[rows], self.trait("oratory"), powers[:, :, POWER["prestige"]], present, p
            ),
        }

    def perceived_of(
        self, rows: NDArray[np.int64], leader: NDArray[np.int64]
    ) -> NDArray[np.float64]:
        """(n, L): how every leader sees ``leader[k]``'s power in run ``rows[k]`` (without
        building the whole (R, L, L) matrix)."""
        real = self.state.real_power[rows, leader][:, None]
        if "perception" not in self.on:
            return np.broadcast_to(real, (rows.size, self.world.n_leaders)).copy()
        insight = self.info[rows]
        return insight * real + (1.0 - insight) * self.seen_power[rows, leader][:, None]

    def allied_with(self, rows: NDArray[np.int64], leader: NDArray[np.int64]) -> NDArray[np.bool_]:
        """(n, L): which leaders are in ``leader[k]``'s coalition in run ``rows[k]``."""
        s = self.state
        patron = s.patron[rows]
        theirs = patron[np.arange(rows.size), leader]
        same = patron == theirs[:, None]
        if "alliances" not in self.on:
            return same
        return same | s.ally[rows[:, None], patron, theirs[:, None]]

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
