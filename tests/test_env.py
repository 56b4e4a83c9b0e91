"""The PettingZoo environment: the API test, masks, rewards, leaving the episode."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pettingzoo")

from pettingzoo.test import parallel_api_test

from politburo.agents.env import parallel_env
from politburo.model.actions import Verb


@pytest.mark.parametrize(
    "options",
    [{}, {"mask_in_observation": True}, {"agents": ["tribune"]}, {"max_months": 6}],
    ids=["all-agents", "mask-in-observation", "one-agent", "truncated"],
)
def test_parallel_api(options: dict[str, object]) -> None:
    parallel_api_test(parallel_env("toy-3", **options), num_cycles=60)


def test_episode_terminates_with_masked_random_agents() -> None:
    env = parallel_env("toy-3")
    observations, infos = env.reset(seed=3)
    assert set(env.agents) == {"secretary", "tribune", "editor"}
    rng = np.random.default_rng(0)
    months = 0
    while env.agents:
        for agent in env.agents:
            space = env.observation_space(agent)
            assert space.contains(observations[agent])
            mask = infos[agent]["action_mask"]
            assert mask[0] == 1 and mask.shape == (env.action_space(agent).n,)
        actions = {a: int(rng.choice(np.flatnonzero(infos[a]["action_mask"]))) for a in env.agents}
        observations, rewards, terminations, truncations, infos = env.step(actions)
        assert set(rewards) == set(terminations) == set(truncations) == set(actions)
        months += 1
        assert months <= env.world.months
    assert months >= 1
    with pytest.raises(RuntimeError):
        env.step({})


def test_rewards_are_power_changes_plus_the_win() -> None:
    env = parallel_env("toy-3", agents=["secretary"], win_reward=5.0)
    _, infos = env.reset(seed=0)
    power = infos["secretary"]["real_power"]
    total = 0.0
    while env.agents:
        _, rewards, _, _, infos = env.step(env.heuristic_actions())
        total += rewards["secretary"]
    final = infos["secretary"]
    bonus = 5.0 if final["winner"] == "secretary" else 0.0
    assert total == pytest.approx(final["real_power"] - power + bonus)


def test_leaders_who_leave_the_party_leave_the_episode() -> None:
    # In ussr-1922 Lenin dies in January 1924 (a scheduled event): he must leave then.
    env = parallel_env("ussr-1922", agents=["lenin", "stalin"], max_months=24)
    env.reset(seed=0)
    left = None
    while env.agents:
        month = env.world.month_label(env.view.state.turn)  # type: ignore[union-attr]
        _, _, terminations, truncations, _ = env.step({})
        if terminations.get("lenin"):
            left = month
            assert "lenin" not in env.agents
            assert not truncations["lenin"]
    assert left == "1924-01"


def test_action_table_and_meanings() -> None:
    env = parallel_env("toy-3")
    env.reset(seed=0)
    assert env.actions[0] == (Verb.PASS, -1)
    assert env.action_meaning(0) == "do nothing this month"
    assert len(env.observation_names) == env.observation_space("editor").shape[0]  # type: ignore[index]
    with pytest.raises(ValueError, match="not leaders who act"):
        parallel_env("toy-3", agents=["nobody"])
