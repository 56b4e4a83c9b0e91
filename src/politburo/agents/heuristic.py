"""The heuristic policy: each leader's choices shaped by his traits.

Fear the strongest *perceived* rival; prefer minimal winning coalitions against him;
protect one's base (appointments, recruitment); escalate discipline only with a majority
in hand; shift position when flexible; recant when beaten and not rigid. Every verb gets
a score over its legal targets; each leader takes his best few (his action budget).
Scores are unitless preferences around 0-1; a verb scoring below the pass score is left.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.actions import Plan, Verb, legal_targets, n_targets, next_rung
from politburo.model.alliances import main_threat
from politburo.model.appointment import secretary_bloc
from politburo.model.context import Context
from politburo.model.rng import Stream
from politburo.model.votes import policy_distance
from politburo.model.world import POWER, SEAT_CANDIDATE, SEAT_FULL


def _majorities(ctx: Context) -> dict[str, NDArray[np.float64]]:
    """Coalition vote shares each leader can count on, per body."""
    s = ctx.state
    coalition = ctx.coalition()
    lead = ctx.leadership_votes
    comm = ctx.committee_votes
    in_use = np.maximum((s.committee != -2).sum(axis=1), 1)
    total_lead = np.maximum(lead.sum(axis=1), 1)
    return {
        "lead_share": (coalition * lead[:, None, :]).sum(axis=2) / total_lead[:, None],
        "comm_share": (coalition * comm[:, None, :]).sum(axis=2) / in_use[:, None],
        "lead_votes": lead.astype(np.float64),
        "comm_votes": comm.astype(np.float64),
        "total_lead": total_lead.astype(np.float64),
        "in_use": in_use.astype(np.float64),
    }


def score_actions(ctx: Context) -> dict[Verb, NDArray[np.float64]]:
    """(R, L, X) score of every verb and target (-inf where illegal)."""
    s, p, w = ctx.state, ctx.params, ctx.world
    h = p.heuristic
    lev = ctx.leverage
    R, L = s.n_runs, w.n_leaders
    amb, org, ora = ctx.trait("ambition"), ctx.trait("organization"), ctx.trait("oratory")
    cun, arr, rig = ctx.trait("cunning"), ctx.trait("arrogance"), ctx.trait("rigidity")
    # Clients fear whom their patron fears.
    threat = main_threat(ctx)  # (R, L)
    threat = threat[ctx.rows[:, None], s.patron]
    has_threat = threat >= 0
    t_safe = np.maximum(threat, 0)
    rows = ctx.rows[:, None]
    me = np.arange(L)
    maj = _majorities(ctx)
    lead_share, comm_share = maj["lead_share"], maj["comm_share"]
    # Opposition exists only against a ruling coalition: a majority in the leadership.
    ruling = lead_share > 0.5  # (R, L) member of a majority coalition
    in_opposition = ruling.any(axis=1, keepdims=True) & ~ruling
    if "policy" in ctx.on:
        line_dist = policy_distance(s.position, s.line[:, None, :], w.salience[None])
    else:
        line_dist = np.zeros((R, L))
    is_threat = (me[None, None, :] == threat[:, :, None]) & has_threat[:, :, None]  # (R, L, L)
    scores: dict[Verb, NDArray[np.float64]] = {}

    # Protect and extend one's base.
    weight = s.members.sum(axis=2)
    region_weight = weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-9) * weight.shape[1]
    sec = secretary_bloc(ctx)
    mine = sec[:, None, :] == s.patron[:, :, None]  # (R, L, G)
    appoint = ctx.powers[:, :, POWER["appointment"]]
    scores[Verb.APPOINT] = (
        h.appoint
        * appoint[:, :, None]
        * (lev(org) * amb)[None, :, None]
        * region_weight[:, None, :]
        * (1.0 - mine * s.secretary_loyalty[:, None, :])
    )
    recruit = ctx.powers[:, :, POWER["recruitment"]]
    scores[Verb.RECRUIT] = (
        h.recruit * recruit[:, :, None] * amb[None, :, None] * region_weight[:, None, :]
    )

    # Coalitions against the main threat: prefer the smallest partner that wins.
    votes_j = maj["lead_votes"][:, None, :] / maj["total_lead"][:, None, None]
    need = np.clip(0.5 - lead_share, 0.0, None)[:, :, None]
    enough = votes_j > need
    surplus = votes_j - need
    minimal = np.where(enough, 1.0 - surplus, h.alliance_partial * votes_j)
    shares_threat = main_threat_of_target(threat)  # (R, L, L): j's threat equals i's
    partner_dist = ctx.pairwise_distance()
    fear_t = ctx.perceived[rows, me[None, :], t_safe] * has_threat  # (R, L)
    scores[Verb.PROPOSE_ALLIANCE] = (
        h.alliance
        * amb[None, :, None]
        * (h.alliance_partial + h.alliance_fear * fear_t[:, :, None])
        * (need > 0)
        * minimal
        * (1.0 + h.alliance_shared_enemy * shares_threat)
        * (1.0 - partner_dist * rig[None, :, None])
        * ~is_threat
    )
    # Break an alliance when the ally has become the threat, or no enemy is left.
    enemy_seated = ctx.principal & (s.seat != 0)
    others_left = (enemy_seated[:, None, :] & ~ctx.coalition()).any(axis=2)  # (R, L)
    ally_big = ctx.perceived > p.alliance_break_power
    reasons = is_threat.astype(np.float64) + ally_big + ~others_left[:, :, None]
    scores[Verb.BREAK_ALLIANCE] = (
        h.break_alliance * (amb * cun)[None, :, None] * reasons - h.break_threshold
    )

    # Words: polemics, the line, the rank and file.
    scores[Verb.ATTACK] = (
        (h.attack * amb * ora * lev(arr))[None, :, None] * s.prestige[:, None, :] * is_threat
    )
    near_line = 1.0 - line_dist / h.line_tolerance
    scores[Verb.DEFEND_LINE] = (h.defend_line * lev(cun)[None, :] * near_line)[:, :, None]
    scores[Verb.CRITICIZE_LINE] = (
        h.criticize_line * (amb * rig * lev(arr))[None, :] * line_dist * in_opposition
    )[:, :, None]
    scores[Verb.APPEAL] = (h.appeal * ora * amb)[None, :, None] * np.ones((R, L, 1))
    scores[Verb.GATHER_MATERIAL] = (
        h.gather_material * (ctx.info * cun[None, :])[:, :, None] * is_threat
    )
    ban = ctx.faction_ban[:, None]
    scores[Verb.ORGANIZE_FACTION] = (
        h.organize_faction
        * (amb * org)[None, :]
        * in_opposition
        * (line_dist > h.faction_line_gap)
        * (1.0 - h.ban_deterrence * ban * (1.0 - rig[None, :]))
    )[:, :, None]

    # Positions: the flexible move toward the line when with the majority, toward their
    # allies' positions when in opposition.
    ally_mean = _ally_position(ctx)
    goal = np.where(in_opposition[:, :, None], ally_mean, s.line[:, None, :])
    gap = goal - s.position  # (R, L, I)
    shift = np.zeros((R, L, 2 * len(w.issue_ids)))
    flexible = (h.shift_position * (1.0 - rig) * cun)[None, :, None]
    shift[:, :, 0::2] = flexible * np.clip(-gap, 0, None)
    shift[:, :, 1::2] = flexible * np.clip(gap, 0, None)
    scores[Verb.SHIFT_POSITION] = shift
    policy = np.zeros((R, L, 2 * len(w.issue_ids)))
    diff = s.position - s.line[:, None, :]
    can_carry = np.where(lead_share > 0.5, 1.0, h.policy_minority)[:, :, None]
    push = h.propose_policy * amb[None, :, None] * w.salience[None] * can_carry
    policy[:, :, 0::2] = push * np.clip(-diff, 0, None)
    policy[:, :, 1::2] = push * np.clip(diff, 0, None)
    scores[Verb.PROPOSE_POLICY] = policy

    # Discipline: only against rivals, only with a majority in hand.
    rung = next_rung(ctx)  # (R, L targets)
    expected = np.zeros((R, L, L))
    quota = np.zeros((R, L))
    # Neutral voters join a purge when there is evidence, stigma and a stronger mover, and
    # resist it against a prestigious comrade (a rough forecast of the vote model).
    evidence_j = s.pretext + (ctx.stigma + p.vote_arrogance_weight * arr)[None, :]
    stature = ctx.perceived - np.diagonal(ctx.perceived, axis1=1, axis2=2)[:, :, None]
    neutral_yes = np.clip(
        h.neutral_base
        + h.neutral_evidence * evidence_j[:, None, :]
        + s.material
        - h.neutral_prestige * s.prestige[:, None, :]
        - h.neutral_stature * stature,
        0.0,
        1.0,
    )
    for k, spec in enumerate(w.ladder):
        this = rung == k
        if not this.any():
            continue
        if spec.role == "leadership":
            mine_share = lead_share[:, :, None]
            theirs = lead_share[:, None, :]
        else:
            mine_share = comm_share[:, :, None]
            theirs = comm_share[:, None, :]
        neutral = np.clip(1.0 - mine_share - theirs, 0.0, 1.0)
        est = mine_share + neutral * neutral_yes
        expected = np.where(this[:, None, :], est, expected)
        quota = np.where(this, spec.quota, quota)
    noise = ctx.random(Stream.MISJUDGEMENT, (L, L)) - 0.5
    misjudge = h.misjudgement * (1.0 - ctx.info)[:, :, None] * noise
    margin = h.caution * (1.0 - cun)[None, :, None]
    in_hand = expected + misjudge > quota[:, None, :] + margin
    hostile = is_threat | ((s.rung >= 0)[:, None, :] & ~ctx.coalition())
    evidence = s.pretext[:, None, :] + s.material
    ambitious = (amb >= p.ambition_threshold)[None, :, None]
    scores[Verb.MOVE_DISCIPLINE] = (
        h.discipline
        * (amb * lev(cun))[None, :, None]
        * (1.0 + evidence)
        * in_hand
        * hostile
        * ambitious
        * np.where(is_threat, 1.0, h.discipline_bystander)
    )

    # Patronage: win over the unattached who hold seats or offices.
    value = np.where(
        s.seat == SEAT_FULL,
        1.0,
        np.where(s.seat == SEAT_CANDIDATE, h.candidate_value, h.outsider_value),
    )
    current = s.patron  # (R, L) whom each target follows now
    # (R, L, L): how much stronger leader i looks to j than j's present patron does
    pull = (
        ctx.perceived.transpose(0, 2, 1)
        - np.take_along_axis(ctx.perceived, current[:, :, None], axis=2)[:, None, :, 0]
    )
    feasible = np.clip(
        h.win_over_base + h.win_over_pull * pull - p.trait_leverage * amb[None, None, :], 0.0, 1.0
    )
    scores[Verb.WIN_OVER] = h.win_over * (amb * cun)[None, :, None] * value[:, None, :] * feasible

    # Recant when beaten: the flexible and less ambitious submit.
    beaten = (s.rung + 1) / max(len(w.ladder), 1)
    scores[Verb.RECANT] = (
        h.recant
        * ((1.0 - rig) * (1.0 - p.trait_leverage * amb))[None, :]
        * beaten
        * (s.real_power < p.recant_threshold)
    )[:, :, None]
    scores[Verb.PASS] = np.full((R, L, 1), h.pass_score)
    return scores


def main_threat_of_target(threat: NDArray[np.int64]) -> NDArray[np.float64]:
    """(R, L, L): 1 where leader j's main threat is leader i's main threat."""
    same = threat[:, :, None] == threat[:, None, :]
    return (same & (threat[:, :, None] >= 0)).astype(np.float64)


def _ally_position(ctx: Context) -> NDArray[np.float64]:
    """(R, L, I) mean position of each leader's coalition (his own if alone)."""
    s = ctx.state
    coalition = ctx.coalition() & ctx.principal[:, None, :]
    coalition |= np.eye(ctx.world.n_leaders, dtype=bool)[None]
    count = coalition.sum(axis=2, keepdims=True)
    return np.einsum("rij,rjk->rik", coalition.astype(np.float64), s.position) / count


def decide(ctx: Context) -> Plan:
    """Choose up to ``actions_per_month`` distinct verbs for every leader in every run."""
    s, p, w = ctx.state, ctx.params, ctx.world
    R, L = s.n_runs, w.n_leaders
    verbs = list(Verb)
    scores = score_actions(ctx)
    best_score = np.full((R, L, len(verbs)), -np.inf)
    best_target = np.full((R, L, len(verbs)), -1, dtype=np.int64)
    for v, verb in enumerate(verbs):
        legal = legal_targets(ctx, verb)
        score = np.broadcast_to(scores[verb], legal.shape)
        score = np.where(legal, score, -np.inf)
        best_target[:, :, v] = score.argmax(axis=2) if n_targets(ctx, verb) > 1 else 0
        best_score[:, :, v] = score.max(axis=2)
    taste = ctx.random(Stream.DECISION_NOISE, (L, len(verbs)))
    best_score = best_score * (1.0 + p.decision_noise * (2.0 * taste - 1.0))
    pass_score = p.heuristic.pass_score
    best_score[:, :, 0] = pass_score
    order = np.argsort(-best_score, axis=2, kind="stable")[:, :, : p.actions_per_month]
    chosen_score = np.take_along_axis(best_score, order, axis=2)
    take = chosen_score > pass_score
    plan = Plan.empty(R, L, p.actions_per_month)
    plan.verb = np.where(take, np.asarray(verbs, dtype=np.int64)[order], int(Verb.PASS))
    plan.target = np.where(take, np.take_along_axis(best_target, order, axis=2), -1)
    return plan
