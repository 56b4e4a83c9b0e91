"""Evaluate simple agents in the PettingZoo environment against the heuristic AI.

One leader is the agent; every other leader is played by the heuristic AI. Three agents
are compared over the same seeds (common random numbers):

- ``pass``: does nothing, ever;
- ``random``: a uniformly random *legal* action each month (the action mask);
- ``heuristic``: the heuristic AI's own first choice (``env.heuristic_actions()``), i.e.
  the AI with one action a month instead of its usual two.

    python examples/train_or_evaluate.py                      # toy-3, the Secretary, 20 episodes
    python examples/train_or_evaluate.py --scenario ussr-1922 --leader trotsky --episodes 5
    python examples/train_or_evaluate.py --json

A learning agent plugs in the same way: replace ``choose`` with its policy (observations
are ``Box`` vectors, ``infos[agent]["action_mask"]`` marks the legal actions).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from politburo.agents.env import PolitburoParallelEnv, parallel_env

Chooser = Callable[[PolitburoParallelEnv, str, dict[str, Any], np.random.Generator], int]


def choose_pass(
    env: PolitburoParallelEnv, agent: str, info: dict[str, Any], rng: np.random.Generator
) -> int:
    return 0


def choose_random(
    env: PolitburoParallelEnv, agent: str, info: dict[str, Any], rng: np.random.Generator
) -> int:
    legal = np.flatnonzero(info["action_mask"])
    return int(rng.choice(legal))


def choose_heuristic(
    env: PolitburoParallelEnv, agent: str, info: dict[str, Any], rng: np.random.Generator
) -> int:
    return env.heuristic_actions()[agent]


AGENTS: dict[str, Chooser] = {
    "pass": choose_pass,
    "random": choose_random,
    "heuristic": choose_heuristic,
}


def evaluate(scenario: str, leader: str, episodes: int, choose: Chooser) -> dict[str, Any]:
    """Mean return, win rate, months in the game and final real power of ``leader``."""
    env = parallel_env(scenario, agents=[leader])
    rng = np.random.default_rng(0)
    returns, wins, months, final_power = [], 0, [], []
    for episode in range(episodes):
        _, infos = env.reset(seed=episode)
        total, played = 0.0, 0
        info = infos[leader]
        while env.agents:
            action = choose(env, leader, infos[leader], rng)
            _, rewards, _, _, infos = env.step({leader: action})
            total += rewards[leader]
            played += 1
            info = infos[leader]
        returns.append(total)
        months.append(played)
        final_power.append(info["real_power"])
        wins += info["winner"] == leader
    return {
        "mean_return": float(np.mean(returns)),
        "win_rate": wins / episodes,
        "mean_months_in_game": float(np.mean(months)),
        "mean_final_real_power": float(np.mean(final_power)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="toy-3")
    parser.add_argument("--leader", default="secretary")
    parser.add_argument("--episodes", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    results = {}
    for name, choose in AGENTS.items():
        started = time.perf_counter()
        results[name] = evaluate(args.scenario, args.leader, args.episodes, choose)
        results[name]["seconds"] = round(time.perf_counter() - started, 2)
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": args.scenario,
                    "leader": args.leader,
                    "episodes": args.episodes,
                    "agents": results,
                },
                indent=2,
            )
        )
        return
    print(f"{args.scenario}, agent plays {args.leader}, {args.episodes} episodes (seeds 0..)")
    print(f"{'agent':<10} {'return':>8} {'wins':>6} {'months':>7} {'final power':>12}")
    for name, r in results.items():
        print(
            f"{name:<10} {r['mean_return']:>8.3f} {r['win_rate']:>6.0%} "
            f"{r['mean_months_in_game']:>7.1f} {r['mean_final_real_power']:>12.3f}"
        )


if __name__ == "__main__":
    main()
