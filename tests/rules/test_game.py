"""External actions in a :class:`Game`: a legal one is carried out in its month, an
illegal one (or one aimed at nobody or at an unknown leader) lapses. Legality is read
from the compiled rules through the game's view."""

from __future__ import annotations

from politburo.model.actions import Verb
from politburo.model.events import KIND_CODE
from politburo.scenario import Scenario
from politburo.simulation import Game

from .bench import idx


def test_an_illegal_external_action_lapses(toy: Scenario) -> None:
    game = Game(toy, seed=0)
    tribune = game.world.leader_ids.index("tribune")
    assert not game.view.legal(tribune)[Verb.APPOINT].any()  # no appointment power
    regions = game.state.secretary_patron.copy()
    plan = game.advance({tribune: [(int(Verb.APPOINT), 0)]})
    assert game.state.turn == 1
    assert plan.verb[0, tribune, 0] == int(Verb.APPOINT)  # it was in the plan ...
    cols = game.log.arrays()
    by_tribune = cols["actor"] == tribune
    for kind in ("appointed", "appointment_failed"):  # ... but never attempted
        assert not (by_tribune & (cols["kind"] == KIND_CODE[kind])).any()
    # No region passed to the tribune's bloc.
    assert (game.state.secretary_patron == tribune).sum() <= (regions == tribune).sum()


def test_a_legal_external_attack_is_carried_out(toy: Scenario) -> None:
    game = Game(toy, seed=0)
    ids = idx(game.world)
    tribune, sec = ids["tribune"], ids["secretary"]
    assert game.view.legal(tribune)[Verb.ATTACK, sec]
    game.advance({tribune: [(int(Verb.ATTACK), sec)]})
    cols = game.log.arrays()
    attacks = (cols["kind"] == KIND_CODE["attacked"]) & (cols["actor"] == tribune)
    assert attacks.sum() == 1
    assert cols["target"][attacks][0] == sec
    assert cols["turn"][attacks][0] == 0


def test_an_external_attack_on_nobody_lapses(toy: Scenario) -> None:
    game = Game(toy, seed=0)
    tribune = game.world.leader_ids.index("tribune")
    game.advance({tribune: [(int(Verb.ATTACK), -1)]})
    cols = game.log.arrays()
    attacks = (cols["kind"] == KIND_CODE["attacked"]) & (cols["actor"] == tribune)
    assert not attacks.any()


def test_an_external_action_with_an_unknown_target_lapses(toy: Scenario) -> None:
    game = Game(toy, seed=0)
    tribune = game.world.leader_ids.index("tribune")
    game.advance({tribune: [(int(Verb.ATTACK), 99)]})
    assert game.state.turn == 1
