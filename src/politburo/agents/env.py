"""The game for learning agents: a PettingZoo Parallel environment.

    from politburo.agents.env import parallel_env
    env = parallel_env("ussr-1922")                  # every leader who acts is an agent
    env = parallel_env("toy-3", agents=["tribune"])  # one agent; the rest play the heuristic
    observations, infos = env.reset(seed=0)
    while env.agents:
        actions = {a: env.action_space(a).sample(infos[a]["action_mask"]) for a in env.agents}
        observations, rewards, terminations, truncations, infos = env.step(actions)

- **Agents** are leader ids. Leaders who are not agents are played by the heuristic AI.
  An agent who dies, is expelled or exiled is *terminated* that month and leaves
  ``env.agents``; when someone consolidates power, or the calendar ends, every remaining
  agent is terminated (``max_months`` cuts an episode short: *truncated*).
- **Action**: ``Discrete(n)``, one (verb, target) a month from a table common to all
  agents (``env.action_meaning(i)``); index 0 is doing nothing. The legal ones are
  ``infos[agent]["action_mask"]`` (also in the observation with
  ``mask_in_observation=True``). An illegal action lapses, as a human's would. A learning
  agent takes one action a month; the heuristic leaders keep their full budget.
- **Observation**: what that leader can see, as a ``Box`` of floats in [-1, 1]: for every
  leader his power *as this one perceives it*, prestige, seat, bloc and alliance ties,
  material held on him, public evidence of factionalism and discipline suffered; then
  one's own offices, information, loyal secretaries, votes, policy positions, the line,
  the faction ban and the calendar (``env.observation_names`` labels each entry).
- **Reward**: the month's change in one's own *real* power (the Banzhaf voting power of
  one's bloc), plus ``win_reward`` to the leader who consolidates power.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import numpy as np
from gymnasium import spaces
from numpy.typing import NDArray
from pettingzoo import ParallelEnv  # type: ignore[import-untyped]

from politburo.kernel.view import View
from politburo.mechanisms import enabled_mechanisms
from politburo.model.actions import TARGET_KIND, Verb, describe
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.world import SEAT_CANDIDATE, SEAT_FULL, World
from politburo.scenario import Scenario
from politburo.simulation import Simulation, world_of

#: per-leader features of the observation, in order
LEADER_FEATURES = (
    "power_seen",
    "prestige",
    "full_seat",
    "candidate_seat",
    "present",
    "bloc_leader",
    "my_bloc",
    "my_coalition",
    "my_client",
    "my_patron",
    "material_held",
    "public_evidence",
    "discipline_rung",
)


def action_table(world: World) -> list[tuple[Verb, int]]:
    """Every (verb, target) of the scenario, PASS first: the meaning of each action."""
    sizes = {
        "leader": world.n_leaders,
        "region": len(world.region_ids),
        "issue": 2 * len(world.issue_ids),
        "none": 1,
    }
    table: list[tuple[Verb, int]] = []
    for verb in Verb:
        kind = TARGET_KIND[verb]
        table += [(verb, -1 if kind == "none" else t) for t in range(sizes[kind])]
    return table


def _next_congress(world: World) -> NDArray[np.float64]:
    """(T,) months until the next congress from each turn (inf if none is left)."""
    ahead = np.full(world.months, np.inf)
    upcoming = np.inf
    for turn in range(world.months - 1, -1, -1):
        if any(e.effect == "congress" for e in world.effects[turn]):
            upcoming = float(turn)
        ahead[turn] = upcoming - turn
    return ahead


class PolitburoParallelEnv(ParallelEnv[str, Any, int]):  # type: ignore[misc]
    """A scenario as a PettingZoo Parallel environment (see the module docstring)."""

    metadata: ClassVar[dict[str, Any]] = {
        "name": "politburo_v0",
        "render_modes": ["ansi"],
        "is_parallelizable": True,
    }

    def __init__(
        self,
        scenario: str | Scenario | World,
        agents: Iterable[str] | None = None,
        params: Parameters = DEFAULT_PARAMETERS,
        ablate: Iterable[str] = (),
        win_reward: float = 1.0,
        mask_in_observation: bool = False,
        max_months: int | None = None,
        render_mode: str | None = None,
    ) -> None:
        self.world = world_of(scenario)
        self.params = params
        self.ablate = tuple(ablate)
        self.on = enabled_mechanisms(self.ablate)
        self.win_reward = float(win_reward)
        self.mask_in_observation = mask_in_observation
        self.max_months = max_months
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}")
        self.render_mode = render_mode
        w = self.world
        actors = [lid for lid, acts in zip(w.leader_ids, w.actor, strict=True) if acts]
        chosen = actors if agents is None else list(agents)
        unknown = [a for a in chosen if a not in actors]
        if unknown:
            raise ValueError(
                f"not leaders who act in {w.scenario.id}: {', '.join(unknown)}; "
                f"choose from: {', '.join(actors)}"
            )
        self.possible_agents: list[str] = list(dict.fromkeys(chosen))
        self.agents: list[str] = []
        self._index = {a: w.leader(a) for a in self.possible_agents}
        self.actions = action_table(w)
        self._verb_slices: list[tuple[Verb, slice]] = []
        start = 0
        for verb in Verb:
            count = sum(1 for v, _ in self.actions if v == verb)
            self._verb_slices.append((verb, slice(start, start + count)))
            start += count
        self.observation_names = self._names()
        size = len(self.observation_names)
        box = spaces.Box(low=-1.0, high=1.0, shape=(size,), dtype=np.float32)
        n = len(self.actions)
        self._observation_spaces: dict[str, spaces.Space[Any]] = {}
        self._action_spaces: dict[str, spaces.Discrete] = {}
        for agent in self.possible_agents:
            if mask_in_observation:
                self._observation_spaces[agent] = spaces.Dict(
                    {
                        "observation": box,
                        "action_mask": spaces.Box(low=0, high=1, shape=(n,), dtype=np.int8),
                    }
                )
            else:
                self._observation_spaces[agent] = box
            self._action_spaces[agent] = spaces.Discrete(n)
        self._congress_in = _next_congress(w)
        self.sim: Simulation | None = None
        self._masks: NDArray[np.int8] | None = None

    # --- spaces --------------------------------------------------------------------------

    def observation_space(self, agent: str) -> spaces.Space[Any]:
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Discrete:
        return self._action_spaces[agent]

    def action_meaning(self, action: int) -> str:
        """What an action index does, in words (targets named from the scenario)."""
        verb, target = self.actions[int(action)]
        if self.sim is None:
            return f"{verb.name.lower()} {target}"
        return describe(self.world, verb, max(target, 0))

    # --- episode -------------------------------------------------------------------------

    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """A new run from the calendar start; ``options={"run": k}`` picks the run's
        random stream (default 0), ``seed`` the experiment seed (default random)."""
        if seed is None:
            seed = int(np.random.default_rng().integers(2**31))
        run = int((options or {}).get("run", 0))
        self.sim = Simulation.start(
            self.world, int(seed), [run], self.params, self.ablate, record_events=False
        )
        self.agents = [a for a in self.possible_agents if self._in_game(self._index[a])]
        self._masks = self._legal()
        observations = {a: self._observe(a) for a in self.agents}
        infos = {a: self._info(a) for a in self.agents}
        return observations, infos

    def step(
        self, actions: dict[str, int]
    ) -> tuple[
        dict[str, Any],
        dict[str, float],
        dict[str, bool],
        dict[str, bool],
        dict[str, dict[str, Any]],
    ]:
        """Play one month with the agents' actions (a missing agent does nothing)."""
        sim = self._simulation()
        w, s = self.world, sim.state
        if not self.agents:
            raise RuntimeError("the episode is over: call reset()")
        live = list(self.agents)
        before = s.real_power[0].copy()
        played: dict[int, list[tuple[int, int]]] = {}
        for agent in live:
            action = actions.get(agent, 0)
            if not 0 <= int(action) < len(self.actions):
                raise ValueError(
                    f"action {action} of {agent} is outside 0..{len(self.actions) - 1}"
                )
            verb, target = self.actions[int(action)]
            played[self._index[agent]] = [(int(verb), target)]
        sim.advance(played)
        winner = int(s.winner[0])
        ended = winner >= 0 or s.turn >= w.months
        cut = not ended and self.max_months is not None and s.turn >= self.max_months
        self._masks = self._legal()
        rewards: dict[str, float] = {}
        terminations: dict[str, bool] = {}
        truncations: dict[str, bool] = {}
        for agent in live:
            i = self._index[agent]
            reward = float(s.real_power[0, i] - before[i])
            if winner == i:
                reward += self.win_reward
            rewards[agent] = reward
            terminations[agent] = ended or not self._in_game(i)
            truncations[agent] = cut and not terminations[agent]
        observations = {a: self._observe(a) for a in live}
        infos = {a: self._info(a) for a in live}
        self.agents = [a for a in live if not (terminations[a] or truncations[a])]
        return observations, rewards, terminations, truncations, infos

    def heuristic_actions(self) -> dict[str, int]:
        """The action the heuristic AI would take first for each live agent this month
        (a baseline, or a teacher for imitation)."""
        plan = self._require().heuristic_plan()
        out = {}
        for agent in self.agents:
            i = self._index[agent]
            verb, target = Verb(int(plan.verb[0, i, 0])), int(plan.target[0, i, 0])
            out[agent] = self._action_index(verb, target)
        return out

    def render(self) -> str | None:
        """``ansi``: the month and everyone's real power, strongest first."""
        if self.render_mode != "ansi" or self.sim is None:
            return None
        s, w = self.sim.state, self.world
        order = np.argsort(-s.real_power[0])
        lines = [f"{w.month_label(min(s.turn, w.months - 1))}  agents: {len(self.agents)}"]
        for i in order[:8]:
            lines.append(f"  {w.leader_names[i]:<24} {s.real_power[0, i]:.3f}")
        return "\n".join(lines)

    def close(self) -> None:
        self.sim = None

    # --- internals -----------------------------------------------------------------------

    @property
    def view(self) -> View | None:
        """The month as the rules see it, or None before ``reset()``."""
        return None if self.sim is None else self.sim.view()

    def _simulation(self) -> Simulation:
        if self.sim is None:
            raise RuntimeError("call reset() first")
        return self.sim

    def _require(self) -> View:
        """The month as the rules see it (legal actions, observations)."""
        return self._simulation().view()

    def _in_game(self, i: int) -> bool:
        s = self._require().state
        return bool(s.alive[0, i] and s.in_party[0, i] and not s.exiled[0, i])

    def _action_index(self, verb: Verb, target: int) -> int:
        for v, part in self._verb_slices:
            if v == verb:
                offset = 0 if TARGET_KIND[verb] == "none" else max(target, 0)
                return int(part.start + offset)
        return 0

    def _legal(self) -> NDArray[np.int8]:
        """(L, A) legal actions of every leader this month; doing nothing always is."""
        view = self._require()
        masks = np.zeros((self.world.n_leaders, len(self.actions)), dtype=np.int8)
        for leader in range(self.world.n_leaders):
            legal = view.legal(leader)
            for verb, part in self._verb_slices:
                masks[leader, part] = legal[verb, : part.stop - part.start]
        masks[:, 0] = 1
        return masks

    def _info(self, agent: str) -> dict[str, Any]:
        view = self._require()
        s, w = view.state, self.world
        i = self._index[agent]
        assert self._masks is not None
        return {
            "action_mask": self._masks[i].copy(),
            "month": w.month_label(min(s.turn, w.months - 1)),
            "real_power": float(s.real_power[0, i]),
            "winner": None if s.winner[0] < 0 else w.leader_ids[int(s.winner[0])],
        }

    def _names(self) -> list[str]:
        w = self.world
        names = [f"{leader}.{f}" for leader in w.leader_ids for f in LEADER_FEATURES]
        names += [f"holds.{o}" for o in w.office_ids]
        names += [
            "information",
            "loyal_secretaries",
            "my_committee_share",
            "my_leadership_share",
            "faction_ban",
            "incapacitated",
            "calendar",
            "congress_soon",
        ]
        names += [f"position.{i}" for i in w.issue_ids]
        names += [f"salience.{i}" for i in w.issue_ids]
        names += [f"line.{i}" for i in w.issue_ids]
        return names

    def _observe(self, agent: str) -> Any:
        vector = self._features(self._index[agent])
        if not self.mask_in_observation:
            return vector
        assert self._masks is not None
        return {"observation": vector, "action_mask": self._masks[self._index[agent]].copy()}

    def _features(self, me: int) -> NDArray[np.float32]:
        """What leader ``me`` can see, scaled into [-1, 1] (order: ``observation_names``)."""
        view = self._require()
        s, w = view.state, self.world
        L = w.n_leaders
        patron = s.patron[0]
        present = view.present[0]
        coalition = view.coalition[0, me]
        ladder = max(len(w.ladder), 1)
        per_leader = np.stack(
            [
                view.perceived[0, me],
                s.prestige[0],
                s.seat[0] == SEAT_FULL,
                s.seat[0] == SEAT_CANDIDATE,
                present,
                patron == np.arange(L),
                patron == patron[me],
                coalition,
                (patron == me) & (np.arange(L) != me),
                np.arange(L) == patron[me],
                np.clip(s.material[0, me], 0.0, 1.0),
                np.clip(s.pretext[0], 0.0, 1.0),
                (s.rung[0].astype(np.float64) + 1.0) / ladder,
            ],
            axis=1,
        ).astype(np.float64)
        bloc = patron[me]
        regions = len(w.region_ids)
        committee = max(int((s.committee[0] != -2).sum()), 1)
        leadership = max(int(view.leadership_votes[0].sum()), 1)
        turn = min(s.turn, w.months - 1)
        soon = self._congress_in[turn]
        own = [
            *(s.office_holder[0] == me),
            view.info[0, me],
            float((view.secretary_bloc[0] == bloc).sum()) / max(regions, 1),
            float(view.committee_votes[0, bloc]) / committee,
            float(view.leadership_votes[0, bloc]) / leadership,
            float(view.faction_ban[0]),
            float(s.incapacitated[0, me]),
            s.turn / w.months,
            0.0 if not np.isfinite(soon) else 1.0 / (1.0 + soon),
            *s.position[0, me],
            *w.salience[me],
            *s.line[0],
        ]
        vector = np.concatenate([per_leader.ravel(), np.asarray(own, dtype=np.float64)])
        return np.clip(vector, -1.0, 1.0).astype(np.float32)


def parallel_env(scenario: str | Scenario | World, **kw: Any) -> PolitburoParallelEnv:
    """The PettingZoo Parallel environment of a scenario (keywords: see
    :class:`PolitburoParallelEnv`)."""
    return PolitburoParallelEnv(scenario, **kw)


def agents_of(scenario: str | Scenario | World) -> Sequence[str]:
    """The leaders of a scenario who can be agents (those who act)."""
    w = world_of(scenario)
    return [lid for lid, acts in zip(w.leader_ids, w.actor, strict=True) if acts]
