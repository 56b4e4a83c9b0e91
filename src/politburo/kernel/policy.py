"""Policy, per run: leaders shift positions, propose moving the line (voted in the
leadership), and crises push the line and reward those on the vindicated side.

First ported from the batched NumPy ``model/policy.py`` (deleted, issue #10).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from politburo.kernel.events import Event, record
from politburo.kernel.layout import Mechanism, Role
from politburo.kernel.npmath import clip, tanh
from politburo.kernel.numeric import pairwise_sum
from politburo.kernel.votes import forecast_votes, tally


@njit(cache=True)
def shift_position(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """Move one's own position on an issue (``target``: 2 * issue + 1 up, + 0 down)."""
    s = k.s
    issue = target // 2
    sign = 1.0 if target % 2 == 1 else -1.0
    new = clip(s.position[r, actor, issue] + sign * k.p.position_shift, -1.0, 1.0)
    s.position[r, actor, issue] = new
    k.d.distance_ok[r] = False  # distances follow positions
    record(k, r, t, Event.POSITION_SHIFTED, actor, obj=issue, value=new)


@njit(cache=True)
def propose_policy(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """Propose moving the line; the leadership votes by how the move suits each member."""
    s, p = k.s, k.p
    issue = target // 2
    gain = np.empty(s.patron.shape[1])
    new = policy_gain(k, r, target, gain)
    joint = np.zeros(5, dtype=np.bool_)
    yes, no, passed = tally(k, r, t, Role.LEADERSHIP, joint, actor, -1, 0.5, True, gain, 0.0)
    if passed:
        s.line[r, issue] = new
        record(k, r, t, Event.POLICY_ADOPTED, actor, -1, issue, yes, no, new)
    else:
        record(k, r, t, Event.POLICY_REJECTED, actor, -1, issue, yes, no, new)
        if k.on[Mechanism.LEGITIMACY]:
            s.prestige[r, actor] = max(
                0.0, s.prestige[r, actor] - p.policy_defeat_share * p.defeat_cost
            )


@njit(cache=True)
def policy_gain(k, r, target, out):  # type: ignore[no-untyped-def]
    """What moving the line (``target``: ``2 * issue + direction``) is worth to each
    leader, into ``out`` (L,): how much nearer it brings the line to his position, by
    his salience. Returns the line's new value on that issue."""
    s, p, w = k.s, k.p, k.w
    issue = target // 2
    sign = 1.0 if target % 2 == 1 else -1.0
    old = s.line[r, issue]
    new = clip(old + sign * p.line_shift, -1.0, 1.0)
    for i in range(s.patron.shape[1]):
        pos = s.position[r, i, issue]
        out[i] = (abs(pos - old) - abs(pos - new)) * w.salience[i, issue] * p.policy_vote_scale
    return new


@njit(cache=True)
def policy_forecast(k, r, t, actor, target):  # type: ignore[no-untyped-def]
    """(expected yes votes, votes) if ``actor`` proposed moving the line (``target`` as in
    :func:`propose_policy`): the leadership's vote with its noise at expected values."""
    gain = np.empty(k.s.patron.shape[1])
    policy_gain(k, r, target, gain)
    joint = np.zeros(5, dtype=np.bool_)
    return forecast_votes(k, r, t, Role.LEADERSHIP, joint, actor, -1, False, True, gain)


@njit(cache=True)
def start_crisis(k, r, t, issue, pressure, salience, months):  # type: ignore[no-untyped-def]
    """A crisis begins on an issue, pushing in a direction for some months."""
    s = k.s
    if not k.on[Mechanism.POLICY]:
        return
    s.crisis_pressure[r, issue] = pressure
    s.crisis_salience[r, issue] = salience
    s.crisis_left[r, issue] = months
    record(k, r, t, Event.CRISIS, obj=issue, value=pressure)


@njit(cache=True)
def run_crises(k, r, t):  # type: ignore[no-untyped-def]
    """Running crises push the line and reward leaders on the vindicated side."""
    s, p = k.s, k.p
    if not k.on[Mechanism.POLICY]:
        return
    n_issues = s.line.shape[1]
    running = False
    for x in range(n_issues):
        running = running or s.crisis_left[r, x] > 0
    if not running:
        return
    push = np.empty(n_issues)
    for x in range(n_issues):
        if s.crisis_left[r, x] > 0:
            push[x] = s.crisis_pressure[r, x] * s.crisis_salience[r, x]
        else:
            push[x] = 0.0
        s.line[r, x] = clip(s.line[r, x] + p.crisis_line_push * push[x], -1.0, 1.0)
    if k.on[Mechanism.LEGITIMACY]:
        terms = np.empty(n_issues)
        for i in range(s.prestige.shape[1]):
            for x in range(n_issues):
                terms[x] = (s.position[r, i, x] - s.line[r, x]) * push[x]
            side = pairwise_sum(terms, 0, n_issues)
            s.prestige[r, i] = clip(
                s.prestige[r, i] + p.crisis_prestige * tanh(p.crisis_side_sharpness * side),
                0.0,
                1.0,
            )
    for x in range(n_issues):
        s.crisis_left[r, x] = max(s.crisis_left[r, x] - 1, 0)
