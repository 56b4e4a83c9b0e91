"""Scores of runs against history (politburo.analysis.validation).

Every expected value is worked out by hand in the comments next to it, from hand-built
outcomes shaped like :func:`politburo.simulation.run_outcome`'s; none is computed with the
code under test.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from politburo.analysis.validation import (
    Milestone,
    MilestoneScore,
    ValidationScores,
    alliance_overlap,
    brier,
    contenders,
    elimination_order,
    kendall_tau,
    median_milestone_error,
    milestones_from_history,
    naive_highest_office,
    naive_incumbent,
    naive_most_prestigious,
    naive_uniform,
    order_share,
    p_historical_winner,
    run_kendall_tau,
    score_alliance,
    score_milestone,
    spells_of,
    split_milestones,
    validation_scores,
    winner_forecast,
)
from politburo.scenario import Scenario
from politburo.scenario.schema import AllianceRecord, DatedFact, History, LeaderRecord

SRC = "test"
END = "1930-12"


def fact(date: str | None) -> DatedFact:
    return DatedFact(date=date, source=SRC)


def run(
    winner: str | None = None,
    politburo: dict[str, str] | None = None,
    **records: dict[str, Any],
) -> dict[str, Any]:
    """An outcome: ``politburo`` gives exit months; ``records`` whole elimination records."""
    eliminations: dict[str, dict[str, Any]] = {}
    for leader, month in (politburo or {}).items():
        eliminations[leader] = {"politburo": month, "party": None, "exile": None}
    for leader, record in records.items():
        eliminations.setdefault(leader, {"politburo": None, "party": None, "exile": None})
        eliminations[leader].update(record)
    return {"winner": winner, "month": None, "eliminations": eliminations}


@pytest.fixture
def history() -> History:
    return History(
        source=SRC,
        winner="a",
        consolidated="1929-11",
        elimination_order=["a", "b", "c"],
        eliminations={
            "a": LeaderRecord(politburo=fact("1926-01"), offices={"war": fact("1925-01")}),
            "b": LeaderRecord(politburo=fact("1926-07"), party=fact("1927-11")),
            "c": LeaderRecord(politburo=fact("1927-01"), exile=fact("1928-01")),
            "d": LeaderRecord(party=fact(None)),
        },
        alliances=[
            AllianceRecord(
                id="xy",
                name="X and Y",
                members=["x", "y"],
                start="1925-01",
                end="1925-07",
                source=SRC,
            ),
            AllianceRecord(
                id="yz", name="Y and Z", members=["y", "z"], start="1930-10", source=SRC
            ),
        ],
    )


# --- winner -------------------------------------------------------------------------------


def test_winner_forecast_and_historical_share(history: History) -> None:
    runs = [run("a"), run("a"), run("b"), run(None)]
    assert winner_forecast(runs) == {"a": 0.5, "b": 0.25, "none": 0.25}
    assert p_historical_winner(runs, history) == 0.5
    no_winner = history.model_copy(update={"winner": None})
    assert p_historical_winner(runs, no_winner) == 0.25


def test_brier_by_hand() -> None:
    forecast = {"a": 0.5, "b": 0.25, "none": 0.25}
    # a won: (0.5-1)^2 + 0.25^2 + 0^2 (c) + 0.25^2 (none) = 0.25 + 0.0625 + 0.0625
    assert brier(forecast, "a", ["a", "b", "c"]) == pytest.approx(0.375)
    # nobody won: 0.5^2 + 0.25^2 + 0 + (0.25-1)^2 = 0.25 + 0.0625 + 0.5625
    assert brier(forecast, None, ["a", "b", "c"]) == pytest.approx(0.875)
    # c won, a category the forecast left out: 0.25 + 0.0625 + 1 + 0.0625
    assert brier(forecast, "c", ["a", "b", "c"]) == pytest.approx(1.375)
    assert brier({"a": 1.0}, "a", ["a", "b"]) == 0.0
    assert brier({"b": 1.0}, "a", ["a", "b"]) == 2.0


@pytest.mark.parametrize(
    ("forecast", "winner"),
    [
        ({"a": 0.5, "q": 0.5}, "a"),  # unknown category
        ({"a": 0.5, "b": 0.4}, "a"),  # sums to 0.9
        ({"a": 1.2, "b": -0.2}, "a"),  # negative probability
        ({"a": 1.0}, "q"),  # winner not a candidate
    ],
)
def test_brier_rejects_bad_input(forecast: dict[str, float], winner: str) -> None:
    with pytest.raises(ValueError):
        brier(forecast, winner, ["a", "b"])


def test_empty_batch_is_an_error(history: History) -> None:
    with pytest.raises(ValueError, match="no runs"):
        p_historical_winner([], history)


# --- elimination order --------------------------------------------------------------------


def test_elimination_order_by_month_and_never_left_excluded() -> None:
    outcome = run(politburo={"a": "1925-03", "b": "1925-01"})
    assert elimination_order(outcome, ["a", "b", "c"]) == ("b", "a")


def test_elimination_order_ties_by_id_not_by_the_given_order() -> None:
    outcome = run(politburo={"zed": "1926-10", "amy": "1926-10", "bob": "1926-07"})
    assert elimination_order(outcome, ["zed", "amy", "bob"]) == ("bob", "amy", "zed")


def test_elimination_order_of_a_real_outcome_shape() -> None:
    # Abridged from simulate('ussr-1922', seed=0).outcome(0): lenin dies, kamenev and
    # bukharin keep their seats (politburo None, but other losses recorded). First
    # defeats: zinoviev 1926-04 (Comintern), trotsky 1926-08 (War), kamenev 1927-12.
    outcome = {
        "winner": "stalin",
        "month": "1930-04",
        "eliminations": {
            "lenin": {
                "politburo": "1924-01",
                "party": None,
                "exile": None,
                "offices": {"sovnarkom_chair": "1924-01"},
            },
            "trotsky": {
                "politburo": "1926-11",
                "party": "1927-02",
                "exile": "1927-05",
                "offices": {"commissar_of_war": "1926-08"},
            },
            "zinoviev": {
                "politburo": "1926-07",
                "party": None,
                "exile": None,
                "offices": {"comintern_chair": "1926-04"},
            },
            "kamenev": {
                "politburo": None,
                "party": None,
                "exile": None,
                "offices": {"moscow_soviet_chair": "1927-12"},
            },
        },
    }
    tracked = ["trotsky", "zinoviev", "kamenev", "bukharin"]
    assert elimination_order(outcome, tracked) == ("zinoviev", "trotsky", "kamenev")


def test_order_share_and_kendall_tau_by_hand(history: History) -> None:
    runs = [
        run(politburo={"a": "1925-01", "b": "1925-02", "c": "1925-03"}),  # a b c: tau 1
        # b a c: pair (a,b) discordant, (a,c) and (b,c) concordant: tau = (2-1)/3
        run(politburo={"a": "1925-02", "b": "1925-01", "c": "1925-03"}),
        # a b, c never (ranks last): all pairs concordant, tau 1; order (a, b) != (a, b, c)
        run(politburo={"a": "1925-01", "b": "1925-02"}),
    ]
    assert order_share(runs, history) == pytest.approx(1 / 3)
    assert kendall_tau(runs, history) == pytest.approx((1 + 1 / 3 + 1) / 3)
    # A run where nobody left has no tau: skipped, the mean is unchanged (not pulled to 0).
    # It still counts in order_share's denominator.
    assert kendall_tau([*runs, run()], history) == pytest.approx(7 / 9)
    assert order_share([*runs, run()], history) == pytest.approx(1 / 4)


def test_kendall_tau_b_with_a_tie() -> None:
    # sim months (1, 1, 2) against ranks (0, 1, 2): concordant (a,c), (b,c); (a,b) tied in
    # sim only. tau_b = (2 - 0) / sqrt((3 - 0) * (3 - 1)) = 2 / sqrt(6).
    outcome = run(politburo={"a": "1925-01", "b": "1925-01", "c": "1925-02"})
    assert run_kendall_tau(outcome, ["a", "b", "c"]) == pytest.approx(2 / math.sqrt(6))
    # Reversed: c first, then a and b together: tau_b = -2 / sqrt(6).
    outcome = run(politburo={"a": "1925-05", "b": "1925-05", "c": "1925-02"})
    assert run_kendall_tau(outcome, ["a", "b", "c"]) == pytest.approx(-2 / math.sqrt(6))


def test_kendall_tau_undefined_cases(history: History) -> None:
    everyone_at_once = run(politburo={"a": "1925-01", "b": "1925-01", "c": "1925-01"})
    assert run_kendall_tau(everyone_at_once, ["a", "b", "c"]) is None
    assert run_kendall_tau(run(), ["a", "b", "c"]) is None
    assert run_kendall_tau(run(politburo={"a": "1925-01"}), ["a"]) is None
    assert kendall_tau([everyone_at_once, run()], history) is None


def test_no_historical_order_gives_none(history: History) -> None:
    bare = history.model_copy(update={"elimination_order": []})
    runs = [run(politburo={"a": "1925-01", "b": "1925-02"})]
    assert order_share(runs, bare) is None
    assert kendall_tau(runs, bare) is None


def test_a_replay_of_the_ussr_record_gives_the_listed_order(ussr: Scenario) -> None:
    # First defeats in the record: Trotsky 1925-01 (War Commissariat), Zinoviev 1926-03
    # (Leningrad Soviet), Kamenev 1926-05 (Moscow Soviet), Bukharin 1929-04 (Pravda and
    # Comintern): the listed order.
    assert ussr.history is not None
    replay = run("stalin")
    for leader, record in ussr.history.eliminations.items():
        entry = {
            key: (fact.date if fact is not None else None)
            for key, fact in (
                ("politburo", record.politburo),
                ("party", record.party),
                ("exile", record.exile),
            )
        }
        entry["offices"] = {office: fact.date for office, fact in record.offices.items()}
        replay["eliminations"][leader] = entry
    tracked = ["trotsky", "zinoviev", "kamenev", "bukharin"]
    assert ussr.history.elimination_order == tracked
    assert elimination_order(replay, tracked) == tuple(tracked)
    assert order_share([replay], ussr.history) == 1.0
    assert kendall_tau([replay], ussr.history) == pytest.approx(1.0)


def test_politburo_exits_alone_put_zinoviev_first(ussr: Scenario) -> None:
    # Zinoviev left the Politburo (1926-07) before Trotsky and Kamenev (both 1926-10).
    assert ussr.history is not None
    exits = {
        leader: record.politburo.date
        for leader, record in ussr.history.eliminations.items()
        if record.politburo is not None and record.politburo.date is not None
    }
    replay = run("stalin", politburo=exits)
    tracked = ["trotsky", "zinoviev", "kamenev", "bukharin"]
    assert elimination_order(replay, tracked) == ("zinoviev", "kamenev", "trotsky", "bukharin")
    assert order_share([replay], ussr.history) == 0.0
    # tau: sim months (1926-10, 1926-07, 1926-10, 1929-11) against ranks (0, 1, 2, 3).
    # Pairs: (t,z) discordant; (t,k) tied in sim; (t,b) (z,k) (z,b) (k,b) concordant.
    # tau_b = (4 - 1) / sqrt(6 * 5)
    assert kendall_tau([replay], ussr.history) == pytest.approx(3 / math.sqrt(30))


# --- milestones ---------------------------------------------------------------------------


def test_milestones_from_history(history: History) -> None:
    found = [(m.name, m.historical) for m in milestones_from_history(history)]
    assert found == [
        ("a loses war", "1925-01"),
        ("a leaves the politburo", "1926-01"),
        ("b leaves the politburo", "1926-07"),
        ("c leaves the politburo", "1927-01"),
        ("b expelled from the party", "1927-11"),
        ("c exiled", "1928-01"),
    ]  # d's null-dated expulsion is not a milestone


def test_milestones_of_ussr(ussr: Scenario) -> None:
    assert ussr.history is not None
    found = {(m.name, m.historical) for m in milestones_from_history(ussr.history)}
    for expected in [
        ("trotsky loses commissar_of_war", "1925-01"),
        ("zinoviev leaves the politburo", "1926-07"),
        ("trotsky expelled from the party", "1927-11"),
        ("trotsky exiled", "1928-01"),
        ("kamenev expelled from the party", "1927-12"),
        ("bukharin leaves the politburo", "1929-11"),
        ("rykov loses sovnarkom_chair", "1930-12"),
    ]:
        assert expected in found
    # trotsky 4, zinoviev 4, kamenev 3, bukharin 3, rykov 2, tomsky 2, uglanov 1, sokolnikov 1
    assert len(found) == 20


def test_score_milestone_by_hand() -> None:
    m = Milestone("a leaves the politburo", "a", "politburo", "1926-01")
    runs = [
        run(politburo={"a": "1926-03"}),  # error 2
        run(politburo={"a": "1925-01"}),  # error 12
        run(),  # never: 1926-01 .. 1930-12 is 59 months, + 1 + 6 (penalty) = 66
        run(politburo={"a": "1926-07"}),  # error 6: within 6
    ]
    score = score_milestone(m, runs, END)
    assert score == MilestoneScore(
        name="a leaves the politburo",
        historical="1926-01",
        median_simulated="1926-03",  # of 1925-01, 1926-03, 1926-07
        median_abs_error_months=9.0,  # of 2, 6, 12, 66
        share_within_6=0.5,
        share_happened=0.75,
    )
    odd = score_milestone(m, runs[:3], END)
    assert odd.median_abs_error_months == 12.0  # of 2, 12, 66
    assert odd.median_simulated == "1925-01"  # lower median of 1925-01, 1926-03


def test_score_milestone_reads_offices_party_and_exile() -> None:
    runs = [
        run(a={"offices": {"war": "1925-04"}, "party": "1927-10", "exile": "1928-09"}),
        run(a={"offices": {"navy": "1925-01"}}),  # another office: not this milestone
    ]
    office = score_milestone(Milestone("a loses war", "a", "office", "1925-01", "war"), runs, END)
    assert (office.median_simulated, office.share_happened) == ("1925-04", 0.5)
    # errors 3 and, for the second run, 1925-01 .. 1930-12 = 71 months + 1 + 6
    assert office.median_abs_error_months == pytest.approx((3 + 78) / 2)
    party = score_milestone(Milestone("a expelled", "a", "party", "1927-11"), runs, END)
    assert (party.median_simulated, party.share_within_6) == ("1927-10", 0.5)
    exile = score_milestone(Milestone("a exiled", "a", "exile", "1928-01"), runs, END)
    assert (exile.median_simulated, exile.share_within_6) == ("1928-09", 0.0)  # 8 months


def test_a_milestone_that_never_happens_near_the_end_is_not_within_6() -> None:
    m = Milestone("r leaves the politburo", "r", "politburo", "1930-09")
    score = score_milestone(m, [run(), run()], END)
    assert score.median_abs_error_months == 10.0  # 1930-09 .. 1930-12 is 3, + 1 + 6
    assert score.share_within_6 == 0.0
    assert score.share_happened == 0.0
    assert score.median_simulated is None


def test_a_milestone_after_the_calendar_is_an_error() -> None:
    m = Milestone("r exiled", "r", "exile", "1931-02")
    with pytest.raises(ValueError, match="after the calendar end"):
        score_milestone(m, [run()], END)


def test_median_milestone_error() -> None:
    def score(error: float) -> MilestoneScore:
        return MilestoneScore(
            name="m",
            historical="1925-01",
            median_simulated=None,
            median_abs_error_months=error,
            share_within_6=0.0,
            share_happened=0.0,
        )

    assert median_milestone_error([score(9.0), score(1.0), score(4.0)]) == 4.0
    assert median_milestone_error([score(9.0), score(1.0)]) == 5.0
    assert median_milestone_error([]) is None


def test_split_milestones(history: History) -> None:
    milestones = milestones_from_history(history)
    fitted, held = split_milestones(milestones, ["c exiled", "a loses war"])
    assert [m.name for m in held] == ["a loses war", "c exiled"]
    assert [m.name for m in fitted] == [
        "a leaves the politburo",
        "b leaves the politburo",
        "c leaves the politburo",
        "b expelled from the party",
    ]
    with pytest.raises(ValueError, match="trotsky exiled"):
        split_milestones(milestones, ["trotsky exiled"])


# --- alliances ----------------------------------------------------------------------------


def test_score_alliance_by_hand(history: History) -> None:
    xy = history.alliances[0]  # x, y from 1925-01 up to 1925-07: Jan..Jun
    spells = [
        [(frozenset({"x", "y", "z"}), "1924-06", "1925-03")],  # superset: Jan, Feb = 2
        [
            (frozenset({"x"}), "1924-01", None),  # not all members
            (frozenset({"x", "y"}), "1925-07", None),  # begins when history's ended
        ],
        [
            (frozenset({"x", "y"}), "1925-02", "1925-05"),  # Feb, Mar, Apr
            (frozenset({"w", "x", "y"}), "1925-04", "1925-10"),  # Apr, May, Jun
        ],  # union: Feb..Jun = 5
        [],
    ]
    score = score_alliance(xy, spells, END)
    assert (score.id, score.name) == ("xy", "X and Y")
    assert score.share == 0.5
    assert score.median_overlap_months == 3.5  # of 2 and 5


def test_alliance_open_ends_run_to_the_calendar_end(history: History) -> None:
    yz = history.alliances[1]  # from 1930-10, open
    assert (
        alliance_overlap(yz.members, yz.start, yz.end, [(frozenset("yz"), "1930-11", None)], END)
        == 2
    )  # Nov, Dec
    assert (
        alliance_overlap(
            yz.members, yz.start, yz.end, [(frozenset("yz"), "1929-01", "1930-10")], END
        )
        == 0
    )
    none = score_alliance(yz, [[], []], END)
    assert (none.share, none.median_overlap_months) == (0.0, None)


def test_a_spell_ending_before_it_starts_is_an_error(history: History) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        score_alliance(history.alliances[0], [[(frozenset("xy"), "1925-05", "1925-02")]], END)


# --- naive forecasts ----------------------------------------------------------------------


def test_naive_forecasts_toy(toy: Scenario) -> None:
    # public standing (prestige power): secretary_general 0, war_minister 0.5 (tribune),
    # chief_editor 0.3 (editor)
    assert naive_highest_office(toy) == {"tribune": 1.0}
    # prestige: secretary 0.4, tribune 0.8, editor 0.6
    assert naive_most_prestigious(toy) == {"tribune": 1.0}


def test_naive_forecasts_ussr(ussr: Scenario) -> None:
    # Lenin (prestige 1.0, Sovnarkom chair) dies on schedule in 1924-01: not a contender.
    # Commissar of War (Trotsky) and Comintern chair (Zinoviev): prestige power 0.6 each;
    # the General Secretary has none.
    assert naive_highest_office(ussr) == {"trotsky": 0.5, "zinoviev": 0.5}
    assert naive_most_prestigious(ussr) == {"trotsky": 1.0}
    seated = set(contenders(ussr))
    assert {"stalin", "trotsky", "zinoviev", "kamenev", "bukharin"} <= seated
    # lenin: scheduled death; voroshilov: no seat in 1922-04; menzhinsky: not an actor
    assert not seated & {"lenin", "voroshilov", "menzhinsky"}
    leaders = [x.id for x in ussr.leaders]
    # (0.5 - 0)^2 * 2 + (0 - 1)^2 for stalin
    assert brier(naive_highest_office(ussr), "stalin", leaders) == pytest.approx(1.5)
    assert brier(naive_most_prestigious(ussr), "stalin", leaders) == 2.0


def test_uniform_and_incumbent_forecasts_toy(toy: Scenario) -> None:
    # toy-3: three seated actors, none doomed; the war minister's office (prestige power
    # 0.5, the tribune's) stands highest at the start
    assert naive_uniform(toy) == {"secretary": 1 / 3, "tribune": 1 / 3, "editor": 1 / 3}
    assert naive_incumbent(toy) == {"tribune": 1.0}


def test_uniform_and_incumbent_forecasts_ussr(ussr: Scenario) -> None:
    seated = contenders(ussr)
    assert naive_uniform(ussr) == {leader: 1 / len(seated) for leader in seated}
    # Lenin's Sovnarkom chair (prestige power 0.8) is the highest office in 1922-04: the
    # incumbent forecast names the dying founder, and so misses twice over
    assert naive_incumbent(ussr) == {"lenin": 1.0}
    leaders = [x.id for x in ussr.leaders]
    assert brier(naive_incumbent(ussr), "stalin", leaders) == 2.0
    n = len(seated)
    # stalin is one of the n: (1 - 1/n)^2 + (n - 1) (1/n)^2 = 1 - 1/n
    assert brier(naive_uniform(ussr), "stalin", leaders) == pytest.approx(1 - 1 / n)


def test_naive_ties_split_the_mass(toy: Scenario) -> None:
    leaders = [
        x.model_copy(update={"prestige": x.prestige.model_copy(update={"value": 0.8})})
        if x.id == "editor"
        else x
        for x in toy.leaders
    ]
    offices = [
        x.model_copy(update={"powers": {"press": 1.0, "prestige": 0.5}})
        if x.id == "chief_editor"
        else x
        for x in toy.offices
    ]
    tied = toy.model_copy(update={"leaders": leaders, "offices": offices})
    assert naive_most_prestigious(tied) == {"tribune": 0.5, "editor": 0.5}
    assert naive_highest_office(tied) == {"tribune": 0.5, "editor": 0.5}


# --- all together -------------------------------------------------------------------------


def test_validation_scores_json(history: History) -> None:
    runs = [
        run("a", politburo={"a": "1926-01", "b": "1926-07", "c": "1927-01"}),
        run("b", politburo={"b": "1926-01", "a": "1926-07"}),
    ]
    spells = [[(frozenset({"x", "y"}), "1925-01", "1925-04")], []]
    milestones = [m for m in milestones_from_history(history) if m.kind == "politburo"]
    scores = validation_scores(runs, history, ["a", "b", "c"], END, spells, milestones)
    assert isinstance(scores, ValidationScores)
    data = json.loads(json.dumps(scores.to_json()))
    assert set(data) == {
        "p_historical_winner",
        "brier",
        "order_share",
        "kendall_tau",
        "median_milestone_error_months",
        "milestones",
        "alliances",
    }
    assert data["p_historical_winner"] == 0.5
    # forecast a 0.5, b 0.5; a won: 0.25 + 0.25 + 0 + 0
    assert data["brier"] == pytest.approx(0.5)
    assert data["order_share"] == 0.5
    # run 1: tau 1; run 2: sim (1926-07, 1926-01, never) vs (0, 1, 2): (a,b) discordant,
    # (a,c) (b,c) concordant: 1/3. Mean 2/3.
    assert data["kendall_tau"] == pytest.approx(2 / 3)
    by_name = {m["name"]: m for m in data["milestones"]}
    assert set(by_name) == {
        "a leaves the politburo",
        "b leaves the politburo",
        "c leaves the politburo",
    }
    assert set(by_name["a leaves the politburo"]) == {
        "name",
        "historical",
        "median_simulated",
        "median_abs_error_months",
        "share_within_6",
        "share_happened",
    }
    # a: errors 0, 6 -> 3; b: errors 0, 6 -> 3; c: 0 and never (1927-01..1930-12 = 47 + 1 + 6)
    assert by_name["a leaves the politburo"]["median_abs_error_months"] == 3.0
    assert by_name["c leaves the politburo"]["median_abs_error_months"] == 27.0
    assert data["median_milestone_error_months"] == 3.0
    assert data["alliances"] == [
        {"id": "xy", "name": "X and Y", "share": 0.5, "median_overlap_months": 3.0},
        {"id": "yz", "name": "Y and Z", "share": 0.0, "median_overlap_months": None},
    ]


def test_validation_scores_defaults_and_mismatched_spells(history: History) -> None:
    runs = [run("a", politburo={"a": "1926-01"})]
    scores = validation_scores(runs, history, ["a", "b", "c"], END)
    assert scores.alliances == []
    assert len(scores.milestones) == 6  # every dated fact of the history
    with pytest.raises(ValueError, match="2 spell lists for 1 runs"):
        validation_scores(runs, history, ["a", "b", "c"], END, spells=[[], []])


def test_pairwise_spells_must_join_every_pair() -> None:
    # The engine's alliances are pairs. The triumvirate s, z, k (1923-01 up to 1925-04)
    # holds where all three pairs are in force: s-k from 1923-06, s-z up to 1925-01,
    # z-k throughout: 1923-06 .. 1924-12 = 7 + 12 = 19 months.
    members = ["s", "z", "k"]
    pairs = [
        (frozenset({"s", "z"}), "1923-01", "1925-01"),
        (frozenset({"s", "k"}), "1923-06", None),
        (frozenset({"z", "k"}), "1922-01", None),
    ]
    assert alliance_overlap(members, "1923-01", "1925-04", pairs, END) == 19
    # Without z-k there is no month with all three pairs joined.
    assert alliance_overlap(members, "1923-01", "1925-04", pairs[:2], END) == 0
    # A three-member spell with a pair: months of either count once.
    mixed = [(frozenset("szk"), "1923-01", "1923-03"), *pairs]  # Jan, Feb; then Jun..
    assert alliance_overlap(members, "1923-01", "1925-04", mixed, END) == 2 + 19


def test_spells_are_read_from_outcomes(history: History) -> None:
    outcome = run("a")
    outcome["alliances"] = [
        {"members": ["x", "y"], "formed": "1925-03", "ended": None},
        {"members": ["y", "z"], "formed": "1926-01", "ended": "1926-05"},
    ]
    assert spells_of(outcome) == [
        (frozenset({"x", "y"}), "1925-03", None),
        (frozenset({"y", "z"}), "1926-01", "1926-05"),
    ]
    assert spells_of(run("a")) == []
    without = run("b")
    without["alliances"] = []
    scores = validation_scores([outcome, without], history, ["a", "b", "c"], END)
    # xy: 1925-03 up to 1925-07 in the first run (4 months); yz never (spell ends 1926-05)
    assert [a.to_json() for a in scores.alliances] == [
        {"id": "xy", "name": "X and Y", "share": 0.5, "median_overlap_months": 4.0},
        {"id": "yz", "name": "Y and Z", "share": 0.0, "median_overlap_months": None},
    ]
    # One outcome without an alliances key: no alliance scores rather than a wrong zero.
    assert validation_scores([outcome, run("b")], history, ["a", "b"], END).alliances == []
