"""Policy space: positions and salience on issues, the line, crises, leaders who move.

NEP or rapid industrialization, grain by persuasion or by force, socialism in one country
or permanent revolution. Leaders shift their positions (the flexible more readily),
propose moving the line in the leadership, and crises push the line and reward those who
stood on the side the crisis vindicated.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.context import Context
from politburo.model.votes import tally
from politburo.model.world import CompiledEffect


def _issue_direction(target: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    return target // 2, np.where(target % 2 == 1, 1.0, -1.0)


def shift_position(
    ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64], target: NDArray[np.int64]
) -> None:
    """Move one's own position on an issue."""
    s, p = ctx.state, ctx.params
    issue, sign = _issue_direction(target)
    new = np.clip(s.position[runs, actor, issue] + sign * p.position_shift, -1.0, 1.0)
    s.position[runs, actor, issue] = new
    ctx.log.record("position_shifted", s.turn, runs, actor=actor, obj=issue, value=new)


def propose_policy(
    ctx: Context, runs: NDArray[np.int64], actor: NDArray[np.int64], target: NDArray[np.int64]
) -> None:
    """Propose moving the line; the leadership votes by how the move suits each member."""
    s, p, w = ctx.state, ctx.params, ctx.world
    issue, sign = _issue_direction(target)
    old = s.line[runs, issue]
    new = np.clip(old + sign * p.line_shift, -1.0, 1.0)
    pos = s.position[runs, :, issue]  # (n, L)
    sal = w.salience[:, issue].T  # (n, L)
    gain = (np.abs(pos - old[:, None]) - np.abs(pos - new[:, None])) * sal * p.policy_vote_scale
    result = tally(ctx, runs, "leadership", actor, np.full(runs.size, -1), policy_gain=gain)
    ok = result.passed
    s.line[runs[ok], issue[ok]] = new[ok]
    result.record(ctx, ("policy_adopted", "policy_rejected"), runs, actor, obj=issue, value=new)
    bad = ~ok
    if "legitimacy" in ctx.on:
        s.prestige[runs[bad], actor[bad]] = np.maximum(
            0.0, s.prestige[runs[bad], actor[bad]] - p.policy_defeat_share * p.defeat_cost
        )


def start_crisis(ctx: Context, effect: CompiledEffect) -> None:
    """A crisis begins on an issue, pushing in a direction for some months."""
    s = ctx.state
    if "policy" not in ctx.on:
        return
    s.crisis_pressure[:, effect.issue] = effect.value
    s.crisis_salience[:, effect.issue] = effect.about[0][1]
    s.crisis_left[:, effect.issue] = effect.months
    ctx.log.record("crisis", s.turn, ctx.rows, obj=effect.issue, value=effect.value)


def run_crises(ctx: Context) -> None:
    """Running crises push the line and reward leaders on the vindicated side."""
    s, p = ctx.state, ctx.params
    if "policy" not in ctx.on:
        return
    running = s.crisis_left > 0  # (R, I)
    if not running.any():
        return
    push = np.where(running, s.crisis_pressure * s.crisis_salience, 0.0)  # (R, I)
    s.line = np.clip(s.line + p.crisis_line_push * push, -1.0, 1.0)
    side = ((s.position - s.line[:, None, :]) * push[:, None, :]).sum(axis=2)  # (R, L)
    if "legitimacy" in ctx.on:
        s.prestige = np.clip(
            s.prestige + p.crisis_prestige * np.tanh(p.crisis_side_sharpness * side), 0.0, 1.0
        )
    s.crisis_left = np.maximum(s.crisis_left - 1, 0).astype(np.int16)
