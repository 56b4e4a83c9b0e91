"""The lesson the student's game teaches, worked out from the game itself: the goal and
the terms, hints the model computes for each target, what became of the player's own
moves each month, and at the end the reveal — real power against the power the player
saw, and the month he could first have seen the danger.

Everything here is derived from the scenario, the rules and the month records; nothing
names a leader or a date.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from politburo.agents.human import Choice
from politburo.kernel.view import View
from politburo.model.actions import TARGET_KIND, Verb
from politburo.model.world import SEAT_FULL, World
from politburo.web.schemas import (
    ActionOut,
    ChoiceOut,
    Danger,
    EventOut,
    MonthRecord,
    MoveResult,
    PowerChange,
    Record,
    Reveal,
    RevealSeries,
)

if TYPE_CHECKING:
    from politburo.web.play import Match

#: a move's outcome, by event kind: True succeeded, False failed (anything else: done)
SUCCESS: dict[str, bool] = {
    "alliance_formed": True,
    "won_over": True,
    "appointed": True,
    "policy_adopted": True,
    "motion_passed": True,
    "alliance_refused": False,
    "win_over_failed": False,
    "appointment_failed": False,
    "policy_rejected": False,
    "motion_failed": False,
}

#: the events a verb of the player's can leave (he is their actor)
RESULTS: dict[Verb, frozenset[str]] = {
    Verb.PASS: frozenset(),
    Verb.RECANT: frozenset({"recanted"}),
    Verb.BREAK_ALLIANCE: frozenset({"alliance_broken"}),
    Verb.PROPOSE_ALLIANCE: frozenset({"alliance_formed", "alliance_refused"}),
    Verb.SHIFT_POSITION: frozenset({"position_shifted"}),
    Verb.WIN_OVER: frozenset({"won_over", "win_over_failed"}),
    Verb.APPOINT: frozenset({"appointed", "appointment_failed"}),
    Verb.RECRUIT: frozenset({"recruited"}),
    Verb.ATTACK: frozenset({"attacked"}),
    Verb.DEFEND_LINE: frozenset({"defended_line"}),
    Verb.CRITICIZE_LINE: frozenset({"criticized_line"}),
    Verb.APPEAL: frozenset({"appealed"}),
    Verb.GATHER_MATERIAL: frozenset({"gathered_material"}),
    Verb.ORGANIZE_FACTION: frozenset({"faction_organized"}),
    Verb.PROPOSE_POLICY: frozenset({"policy_adopted", "policy_rejected"}),
    Verb.MOVE_DISCIPLINE: frozenset({"motion_passed", "motion_failed"}),
}
assert set(RESULTS) == set(Verb)

#: how many leaders the power chart shows by default besides those who matter by office
CHART_TOP = 6


def _body(world: World, role: str) -> str:
    return world.body_names.get(role, role)


def _month_text(world: World, turn: int) -> str:
    """'At the start (1922-04)' or 'In 1923-05' for a record's turn (-1: the start)."""
    if turn < 0:
        return f"At the start ({world.month_label(0)})"
    return f"In {world.month_label(turn)}"


def _share(x: float) -> str:
    return f"{round(100 * x)}%"


# --- the start page: goal, rules, glossary, default leader ------------------------------


def goal(world: World) -> str:
    """How a game is won and how it ends, from the rules' test of consolidation."""
    lead, committee = _body(world, "leadership"), _body(world, "committee")
    return (
        f"Consolidate power: your bloc must hold a majority of the full seats in the {lead} "
        f"and of the {committee}, with no rival who has led a following (and not recanted) "
        f"and no ally left in a full seat. The game ends when someone consolidates, or in "
        f"{world.month_label(world.months - 1)} with a collective leadership."
    )


def rules(world: World, budget: int) -> list[str]:
    """The game's rules in a few sentences."""
    return [
        f"Each month choose up to {budget} moves, at most one of each kind; then the AI "
        "leaders move, votes are taken and congresses meet.",
        "After each month you read first what became of your own moves, with the votes, "
        "then what the others did.",
        "You see the others' power only as your information allows: stature and offices, "
        "not the loyalties they command. Real power is revealed at the end.",
        "You can be censured, removed, expelled or exiled by a vote: then the game goes "
        "on without you.",
    ]


def glossary(world: World) -> dict[str, str]:
    """Every term the pages use, in one or two sentences."""
    lead, committee = _body(world, "leadership"), _body(world, "committee")
    congress = _body(world, "congress")
    return {
        "power": f"A bloc's share of the votes in the {lead} and the {committee}: what "
        "decides every motion. Real power is what the bloc commands; seen power is what "
        "you can make out of it.",
        "prestige": "Standing in the party, from 0 to 1: wins votes of members loyal to no "
        "one and makes an attack on you costly. Polemics and defeated motions lower it.",
        "seat": f"A full member of the {lead} votes there; a candidate member attends "
        "without a vote.",
        "committee seats": f"Seats of your bloc in the {committee}, which elects the "
        f"{lead} and votes on removals and expulsions.",
        "information": "How much of the others' real power you can see, from 0 to 1. At 0 "
        "you see only stature (offices and prestige), not the clients and secretaries "
        "behind it. Votes and roll calls reveal some of it.",
        "apparatus": f"The party's regional secretaries. Whoever appoints them shapes the "
        f"delegations to the {congress}, which elects the {committee}: power that shows in "
        "no title.",
        "loyal regional secretaries": "Secretaries of regions who owe their post to your "
        "bloc: your share of the apparatus.",
        "client": "A leader who follows a patron and votes with his bloc; he may be won "
        "over by someone who looks stronger.",
        "patron": "The leader a client follows: the head of his bloc.",
        "bloc": "A patron and his clients, voting together.",
        "alliance": "Two blocs voting together against a common threat; it ends when the "
        "threat is gone or one side no longer needs the other.",
        "the line": "The party's policy on each issue; standing near it earns prestige, "
        "criticising it wins some veterans and looks factional.",
        "faction": "An organised opposition: more pull among members, and a pretext for "
        "discipline when factions are banned.",
        "discipline": "The ladder of motions against a leader: censure, removal from "
        "office, from the leadership, expulsion, exile. Each is a vote.",
        "recant": "Submit to the majority: you keep your party card, on probation, and end "
        "your independence.",
    }


#: scheduled effects that take a leader out of the struggle
EXITS = frozenset({"death", "incapacitate"})


def scheduled_exits(world: World, turns: Iterable[int]) -> set[int]:
    """Leaders the calendar kills or incapacitates in the given months."""
    return {
        e.leader
        for t in turns
        if 0 <= t < world.months
        for e in world.effects[t]
        if e.leader >= 0 and e.effect in EXITS
    }


def default_leader(world: World) -> str:
    """The leader the start page offers first: a contender, one the calendar does not
    remove (no scheduled death or incapacity), with the most prestige at the start."""
    scheduled = scheduled_exits(world, range(world.months))
    candidates = [i for i in range(world.n_leaders) if world.actor[i] and i not in scheduled]
    if not candidates:
        candidates = [i for i in range(world.n_leaders) if world.actor[i]]
    best = max(candidates, key=lambda i: (float(world.prestige0[i]), -i))
    return world.leader_ids[best]


# --- the month: targets, hints --------------------------------------------------------


def can_be_target(view: View, choice: Choice) -> bool:
    """Whether a choice's target can act this month: a leader alive, in the party,
    capable and at liberty, whom this month's scheduled events do not kill or
    incapacitate before the moves; choices without a leader target always can."""
    if TARGET_KIND[choice.verb] != "leader":
        return True
    leaving = scheduled_exits(view.world, [view.turn])
    return bool(view.present[0, choice.target]) and choice.target not in leaving


def hint(view: View, me: int, choice: Choice) -> str:
    """The hint for one choice: the model's forecast for that target this month where it
    has one, else what the verb does."""
    w = view.world
    verb, target = choice.verb, choice.target
    if verb not in (
        Verb.PROPOSE_ALLIANCE,
        Verb.WIN_OVER,
        Verb.MOVE_DISCIPLINE,
        Verb.PROPOSE_POLICY,
    ):
        return choice.hint
    f = view.forecast(me, verb, target)
    if verb == Verb.PROPOSE_ALLIANCE:
        name = w.leader_names[target]
        if not f.chance:
            return (
                f"{name} would refuse: he is not in your camp against the common threat, "
                "or his side needs no ally"
            )
        return f"{name} would accept about {_share(f.chance)} of the time"
    if verb == Verb.WIN_OVER:
        name = w.leader_names[target]
        if not f.chance:
            patron = int(view.state.patron[0, target])
            if patron == target:
                return f"no chance now: {name} would rather lead his own bloc than follow you"
            return f"no chance now: {name} sees his patron {w.leader_names[patron]} as stronger"
        return f"about a {_share(f.chance)} chance that {name} comes over to you"
    if f.votes == 0:
        return choice.hint
    if verb == Verb.MOVE_DISCIPLINE:
        rung = w.ladder[f.rung]
        return (
            f"{rung.name} of {w.leader_names[target]} in the {_body(w, rung.role)}: "
            f"you would get about "
            f"{round(f.yes)} of {f.votes} votes (needs more than {_share(rung.quota)})"
        )
    return (
        f"the {_body(w, 'leadership')} would give you about {round(f.yes)} of {f.votes} "
        "votes (needs a majority)"
    )


def choices_out(match: Match) -> list[ChoiceOut]:
    """This month's legal actions for the page, each with the model's hint."""
    from politburo.web.play import target_id, verb_id

    view, w = match.view, match.world
    return [
        ChoiceOut(
            verb=verb_id(c.verb),
            target=target_id(w, c.verb, c.target) if c.target >= 0 else None,
            text=c.text,
            hint=hint(view, match.me, c),
            verb_text=c.verb_text,
            target_text=w.leader_names[c.target]
            if TARGET_KIND[c.verb] == "leader"
            else c.target_text,
        )
        for c in match.choices()
    ]


# --- the month's report: your moves first ---------------------------------------------


def _matches(action: ActionOut, event: EventOut, verb: Verb) -> bool:
    kind = TARGET_KIND[verb]
    if kind == "leader":
        return event.target == action.target
    if kind == "region":
        return event.region == action.target
    if kind == "issue":
        return event.issue == str(action.target).rstrip("+-")
    return True


def _why(world: World, event: EventOut) -> str:
    """The reason a result came out as it did, where the record has one."""
    if event.yes is not None and event.no is not None and event.kind in SUCCESS:
        yes, no = event.yes, event.no
        if event.rung is not None:
            rung = next(r for r in world.ladder if r.id == event.rung)
            body, quota = _body(world, rung.role), rung.quota
        else:
            body, quota = _body(world, "leadership"), 0.5
        return (
            f"{yes} for, {no} against in the {body}; it needed more than "
            f"{_share(quota)} of {yes + no}."
        )
    return ""


def month_report(
    world: World, me: int, record: Record, before: Record | None = None
) -> MonthRecord:
    """A month's record, ordered for the player: ``your_moves`` (each of his actions with
    what became of it, the votes and why), ``about_you`` (others' moves on him), then the
    rest of the events (``events``, as before); ``your_power``: his power as he saw it
    before the month (the record ``before``) and after."""
    me_id = world.leader_ids[me]
    events = record.events
    used: set[int] = set()
    moves = []
    for action in record.actions:
        verb = Verb[action.verb.upper()]
        found = None
        for k, e in enumerate(events):
            if k in used or e.actor != me_id or e.kind not in RESULTS[verb]:
                continue
            if _matches(action, e, verb):
                found = k
                break
        if found is None:
            moves.append(
                MoveResult(
                    action=action.text,
                    result="It came to nothing: by your turn it was no longer possible.",
                    success=None,
                    why="",
                    expected=action.expected,
                )
            )
            continue
        used.add(found)
        e = events[found]
        moves.append(
            MoveResult(
                action=action.text,
                result=e.text,
                success=SUCCESS.get(e.kind),
                why=_why(world, e),
                expected=action.expected,
                yes=e.yes,
                no=e.no,
            )
        )
    about = [k for k, e in enumerate(events) if k not in used and e.target == me_id]
    return MonthRecord(
        turn=record.turn,
        month=record.month,
        actions=record.actions,
        your_power=None
        if before is None
        else PowerChange(before=before.seen[me], after=record.seen[me]),
        your_moves=moves,
        about_you=[events[k].text for k in about],
        events=[e for k, e in enumerate(events) if k not in used and k not in about],
        seen=record.seen,
        real=record.real,
    )


# --- the chart during play, and the reveal at the end ---------------------------------


def featured(match: Match) -> list[str]:
    """Leaders the power chart shows by default: the player, everyone holding an office
    or a full seat in the leadership now, and the strongest as the player sees them."""
    w, s = match.world, match.state
    present = s.alive[0] & s.in_party[0] & ~s.exiled[0]
    holders = {int(h) for h in s.office_holder[0] if h >= 0}
    full = {int(i) for i in np.flatnonzero(s.seat[0] == SEAT_FULL)}
    seen = match.records[-1].seen
    strongest = sorted(range(w.n_leaders), key=lambda i: -seen[i])[:CHART_TOP]
    chosen = {match.me} | {i for i in holders | full | set(strongest) if present[i]}
    if match.over:  # real power is shown: every rival who was ever really stronger
        chosen |= ever_stronger(match.records, match.me, w.n_leaders)
    return [w.leader_ids[i] for i in sorted(chosen)]


def ever_stronger(records: list[Record], me: int, n_leaders: int) -> set[int]:
    """Leaders whose real power exceeded the player's in some month of the records."""
    return {j for r in records for j in range(n_leaders) if r.real[j] > r.real[me]}


def danger(world: World, me: int, records: list[Record]) -> Danger | None:
    """The first month a rival's real power exceeded the player's while the player saw
    him below himself (``hidden``); failing that, the first month a rival was really
    stronger (the player saw it). None if no rival ever was."""
    first_visible = None
    for r in records:
        real, seen = r.real, r.seen
        rivals = [j for j in range(world.n_leaders) if j != me and real[j] > real[me]]
        if not rivals:
            continue
        hidden = [j for j in rivals if seen[j] < seen[me]]
        pool = hidden or rivals
        j = max(pool, key=lambda x: real[x])
        found = Danger(
            month=r.month,
            turn=r.turn,
            leader=world.leader_ids[j],
            name=world.leader_names[j],
            real=real[j],
            seen=seen[j],
            your_real=real[me],
            your_seen=seen[me],
            hidden=bool(hidden),
        )
        if hidden:
            return found
        if first_visible is None:
            first_visible = found
    return first_visible


def reveal(match: Match) -> Reveal:
    """The end screen's reveal: real and seen power over the whole game of the player
    and of every rival who was at any time really stronger than he (and the winner),
    the danger month, and two sentences on information and the apparatus."""
    w, records, me = match.world, match.records, match.me
    winner = int(match.state.winner[0])
    stronger = ever_stronger(records, me, w.n_leaders)
    shown = sorted(stronger | {me} | ({winner} if winner >= 0 else set()))
    series = [
        RevealSeries(
            leader=w.leader_ids[j],
            name=w.leader_names[j],
            me=j == me,
            real=[r.real[j] for r in records],
            seen=[r.seen[j] for r in records],
        )
        for j in shown
    ]
    when = danger(w, me, records)
    view = match.view
    info = float(view.info[0, me])
    lead = _body(w, "leadership")
    when_text = "" if when is None else _month_text(w, when.turn)
    if when is None:
        gap = "No rival was ever really stronger than you."
    elif when.hidden:
        gap = (
            f"{when_text} you saw {when.name} at {_share(when.seen)}, below "
            f"yourself ({_share(when.your_seen)}), while his real power was "
            f"{_share(when.real)} against your {_share(when.your_real)}: that was "
            "the month you could first have seen the danger."
        )
    else:
        gap = (
            f"{when_text} {when.name} was really stronger than you "
            f"({_share(when.real)} against {_share(when.your_real)}), and you could "
            "see it."
        )
    strongest = max(range(w.n_leaders), key=lambda j: float(match.state.real_power[0, j]))
    bloc = int(match.state.patron[0, strongest])
    secretaries = int((view.secretary_bloc[0] == bloc).sum())
    regions = len(w.region_ids)
    explain = [
        f"Information is how much of the others' real power you can see (yours ended at "
        f"{info:.2f} of 1): below 1 you see their stature — offices, prestige, seats in "
        f"the {lead} — not the clients who vote for them.",
        f"Real power grows out of the apparatus, the regional secretaries a patron appoints "
        f"who choose the delegates who elect the {_body(w, 'committee')}: at the end "
        f"{secretaries} of {regions} were in {w.leader_names[bloc]}'s bloc, and no title "
        "shows it.",
    ]
    return Reveal(
        labels=[r.month for r in records],
        series=series,
        danger=when,
        gap=gap,
        explain=explain,
    )
