"""The lesson the student's game teaches (``politburo.web.lesson``): goal and glossary,
the default leader, the model's hints, the month's report with the player's moves first,
and the end screen's reveal with its danger month."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from politburo.agents.human import legal_choices
from politburo.model.actions import TARGET_KIND, Verb
from politburo.model.world import SEAT_FULL
from politburo.web import lesson
from politburo.web.play import Match, world_for
from politburo.web.schemas import EventOut, PowerChange, Record

SCENARIO = "ussr-1922"


@pytest.fixture(scope="module")
def match() -> Match:
    return Match.new(SCENARIO, lesson.default_leader(world_for(SCENARIO)), "heuristic", 7)


@pytest.fixture(scope="module")
def finished() -> Match:
    game = Match.new(SCENARIO, lesson.default_leader(world_for(SCENARIO)), "heuristic", 7)
    while not game.over:
        game.advance([])
    return game


def test_goal_rules_and_glossary_use_the_scenario_bodies() -> None:
    w = world_for(SCENARIO)
    assert w.body_names["leadership"] in lesson.goal(w)
    assert w.month_label(w.months - 1) in lesson.goal(w)
    assert any("up to 2 moves" in line for line in lesson.rules(w, 2))
    terms = lesson.glossary(w)
    for key in ("prestige", "committee seats", "information", "apparatus", "client", "seat"):
        assert key in terms and len(terms[key]) > 40


@pytest.mark.parametrize("scenario", ["toy-3", "ussr-1922", "ussr-1953"])
def test_default_leader_is_a_contender_the_calendar_keeps(scenario: str) -> None:
    w = world_for(scenario)
    chosen = w.leader(lesson.default_leader(w))
    assert w.actor[chosen]
    leaving = {
        e.leader for month in w.effects for e in month if e.effect in ("death", "incapacitate")
    }
    assert chosen not in leaving
    kept = [i for i in range(w.n_leaders) if w.actor[i] and i not in leaving]
    assert w.prestige0[chosen] == max(w.prestige0[i] for i in kept)


def test_default_leader_is_not_simply_the_most_prestigious() -> None:
    """In the reference scenario the most prestigious leader is scheduled to fall ill: the
    start page must not offer him first (the review's three playable months)."""
    w = world_for(SCENARIO)
    top = int(np.argmax(w.prestige0))
    assert any(e.leader == top and e.effect == "incapacitate" for m in w.effects for e in m)
    assert lesson.default_leader(w) != w.leader_ids[top]


def test_hints_are_the_models_forecast_for_each_target(match: Match) -> None:
    view, me, w = match.view, match.me, match.world
    full_seats = int(((match.state.seat[0] == SEAT_FULL) & view.present[0]).sum())
    hints: dict[Verb, set[str]] = {}
    for choice in match.choices():
        text = lesson.hint(view, me, choice)
        hints.setdefault(choice.verb, set()).add(text)
        forecast = view.forecast(me, choice.verb, choice.target)
        if choice.verb == Verb.PROPOSE_POLICY:
            assert f"about {round(forecast.yes)} of {full_seats} votes" in text
        if choice.verb == Verb.MOVE_DISCIPLINE:
            assert forecast.rung >= 0 and w.ladder[forecast.rung].name in text
            assert w.leader_names[choice.target] in text
            assert f"of {forecast.votes} votes" in text
        if choice.verb in (Verb.PROPOSE_ALLIANCE, Verb.WIN_OVER):
            assert forecast.chance is not None and 0.0 <= forecast.chance <= 1.0
            assert w.leader_names[choice.target] in text
    # one hint per target, not one per verb
    assert len(hints[Verb.MOVE_DISCIPLINE]) > 1
    assert len(hints[Verb.PROPOSE_POLICY]) > 1


def test_leaders_who_cannot_act_are_no_targets() -> None:
    w = world_for(SCENARIO)
    game = Match.new(SCENARIO, lesson.default_leader(w), "heuristic", 7)
    falls = min(t for t in range(w.months) if lesson.scheduled_exits(w, [t]))
    leaving = lesson.scheduled_exits(w, [falls])
    filtered = False
    while game.turn <= falls + 2:
        view = game.view
        offered = game.choices()
        for c in offered:
            if TARGET_KIND[c.verb] == "leader":
                assert view.present[0, c.target]
                assert game.turn != falls or c.target not in leaving
        filtered |= len(legal_choices(view, game.me)) > len(offered)
        game.advance([])
    assert filtered, "no legal target was left out: the test proves nothing"


def _event(kind: str, actor: str, target: str | None, **more: Any) -> EventOut:
    return EventOut.model_validate(
        {
            "month": "1922-05",
            "kind": kind,
            "actor": actor,
            "target": target,
            "text": f"{kind} {target}",
            "vote": "yes" in more,
            "routine": False,
            "mine": True,
            **more,
        }
    )


def test_month_report_puts_the_players_moves_first() -> None:
    w = world_for(SCENARIO)
    me = 2
    me_id, a, b = w.leader_ids[me], w.leader_ids[3], w.leader_ids[4]
    censure = w.ladder[0]
    record = Record.model_validate(
        {
            "turn": 0,
            "month": w.month_label(0),
            "actions": [
                {"verb": "propose_alliance", "target": a, "text": "ally", "expected": "likely"},
                {"verb": "move_discipline", "target": b, "text": "censure"},
                {"verb": "win_over", "target": b, "text": "win"},
            ],
            "events": [
                _event("defended_line", a, None),
                _event("alliance_refused", me_id, b),  # not the alliance he proposed
                _event("alliance_refused", me_id, a),
                _event("motion_failed", me_id, b, rung=censure.id, yes=1, no=5),
                _event("attacked", b, me_id),
            ],
            "seen": [0.1] * w.n_leaders,
            "real": [0.1] * w.n_leaders,
        }
    )
    before = record.model_copy(update={"seen": [0.2] * w.n_leaders})
    assert lesson.month_report(w, me, record).your_power is None
    report = lesson.month_report(w, me, record, before)
    assert report.your_power == PowerChange(before=0.2, after=0.1)
    moves = report.your_moves
    assert [m.success for m in moves] == [False, False, None]
    assert moves[0].result == f"alliance_refused {a}" and moves[0].expected == "likely"
    body = w.body_names[censure.role]
    assert moves[1].why == f"1 for, 5 against in the {body}; it needed more than 50% of 6."
    assert "came to nothing" in moves[2].result
    assert report.about_you == [f"attacked {me_id}"]
    assert [e.kind for e in report.events] == ["defended_line", "alliance_refused"]


def _records(real: list[list[float]], seen: list[list[float]]) -> list[Record]:
    return [
        Record(
            turn=t - 1,
            month="start" if t == 0 else f"m{t}",
            actions=[],
            events=[],
            real=r,
            seen=s,
        )
        for t, (r, s) in enumerate(zip(real, seen, strict=True))
    ]


def test_danger_month_is_the_first_hidden_overtaking() -> None:
    w = world_for("toy-3")
    real = [[0.5, 0.3, 0.2], [0.4, 0.45, 0.15], [0.3, 0.6, 0.1]]
    seen_hidden = [[0.5, 0.3, 0.2], [0.5, 0.2, 0.3], [0.4, 0.3, 0.3]]
    found = lesson.danger(w, 0, _records(real, seen_hidden))
    assert found is not None and found.month == "m1" and found.hidden
    assert found.leader == w.leader_ids[1]
    # seen as he was: the danger is visible, from the same month
    seen_true = [[0.5, 0.3, 0.2], [0.4, 0.45, 0.15], [0.3, 0.6, 0.1]]
    found = lesson.danger(w, 0, _records(real, seen_true))
    assert found is not None and found.month == "m1" and not found.hidden
    # hidden only later: the hidden month wins over the earlier visible one
    seen_late = [[0.5, 0.3, 0.2], [0.4, 0.45, 0.15], [0.4, 0.2, 0.1]]
    found = lesson.danger(w, 0, _records(real, seen_late))
    assert found is not None and found.month == "m2" and found.hidden
    # never overtaken
    assert lesson.danger(w, 1, _records([[0.1, 0.9, 0.0]], [[0.1, 0.9, 0.0]])) is None


def test_reveal_shows_every_rival_who_was_ever_stronger(finished: Match) -> None:
    out = lesson.reveal(finished)
    me = finished.me
    stronger = {
        finished.world.leader_ids[j]
        for r in finished.records
        for j in range(finished.world.n_leaders)
        if r.real[j] > r.real[me]
    }
    shown = {s.leader for s in out.series}
    assert stronger and stronger <= shown
    assert finished.world.leader_ids[me] in shown
    assert all(len(s.real) == len(finished.records) for s in out.series)
    assert len(out.explain) == 2
    assert out.danger is not None and out.danger.name in out.gap
    # the chart at the end shows them all by default
    assert stronger <= set(lesson.featured(finished))


def test_chart_features_office_holders_and_the_player(match: Match) -> None:
    featured = set(lesson.featured(match))
    w, s = match.world, match.state
    assert w.leader_ids[match.me] in featured
    holders = {w.leader_ids[int(h)] for h in s.office_holder[0] if h >= 0}
    assert holders <= featured


def test_alliance_forecasts_match_what_happens() -> None:
    """The hint's chance is the rule's: offers it gives no chance are always refused, and
    offers it rates near-certain are mostly accepted (other moves of the same month can
    still change the answer)."""
    w = world_for(SCENARIO)
    kept = [i for i in range(w.n_leaders) if w.actor[i]]
    kept = [i for i in kept if i not in lesson.scheduled_exits(w, range(w.months))]
    players = sorted(kept, key=lambda i: -float(w.prestige0[i]))[:3]
    outcomes: dict[str, list[bool]] = {"none": [], "sure": []}
    for seed in range(3):
        for player in players:
            game = Match.new(SCENARIO, w.leader_ids[player], "heuristic", seed)
            for _ in range(24):
                if game.over or game.status() != "playing":
                    break
                view = game.view
                offers = [c for c in game.choices() if c.verb == Verb.PROPOSE_ALLIANCE]
                if not offers:
                    game.advance([])
                    continue
                rated = [
                    (view.forecast(game.me, c.verb, c.target).chance or 0.0, c) for c in offers
                ]
                chance, best = max(rated, key=lambda x: x[0])
                record = game.advance([(int(best.verb), best.target)])
                accepted = any(
                    e.kind == "alliance_formed"
                    and e.actor == w.leader_ids[game.me]
                    and e.target == w.leader_ids[best.target]
                    for e in record.events
                )
                if chance == 0.0:
                    outcomes["none"].append(accepted)
                elif chance >= 0.9:
                    outcomes["sure"].append(accepted)
    assert len(outcomes["none"]) >= 10 and len(outcomes["sure"]) >= 10, outcomes
    assert not any(outcomes["none"])
    assert sum(outcomes["sure"]) / len(outcomes["sure"]) >= 0.7
