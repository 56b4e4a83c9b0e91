"""Decoded events and a run's outcome -> a readable month-by-month story."""

from __future__ import annotations

from collections.abc import Sequence

from politburo.model.events import ROUTINE, EventRecord
from politburo.model.outcome import Outcome
from politburo.model.world import World


def _name(world: World, leader_id: str | None) -> str:
    if leader_id is None:
        return "the plenum"
    return world.leader_names[world.leader_ids.index(leader_id)]


def describe_event(world: World, e: EventRecord) -> str:
    """One sentence for one event record (from :func:`event_records`)."""
    w = world
    actor, target = _name(w, e.actor), _name(w, e.target)
    kind = e.kind
    yes, no = e.yes or 0, e.no or 0  # where the kind counts votes or seats, 0 if it did not
    votes = f" ({e.yes} to {e.no})" if e.yes is not None and e.no is not None else ""
    office = w.office_names[w.office_ids.index(e.office)] if e.office is not None else ""
    region = w.region_names[w.region_ids.index(e.region)] if e.region is not None else ""
    issue = ""
    if e.issue is not None:
        spec = w.scenario.issues[w.issue_ids.index(e.issue)]
        issue = spec.name
    rung = ""
    if e.rung is not None:
        rung = next(r.name for r in w.ladder if r.id == e.rung)
    lead = w.body_names.get("leadership", "leadership")
    committee = w.body_names.get("committee", "committee")
    texts = {
        "incapacitated": f"{actor} is incapacitated.",
        "recovered": f"{actor} recovers and returns to work.",
        "died": f"{actor} dies.",
        "funeral_oration": f"{actor} gives the oration at {target}'s funeral.",
        "funeral_absence": f"{actor} is absent from {target}'s funeral.",
        "document_read": "The document is read to the delegates.",
        "crisis": f"A crisis erupts over {issue}.",
        "recruitment_drive": f"A recruitment drive opens: {int(e.value or 0):,} new members.",
        "appointed": f"{actor} installs a client as secretary of {region}.",
        "appointment_failed": f"{actor} fails to replace the secretary of {region}.",
        "recruited": f"{actor} recruits new members in {region}.",
        "alliance_formed": f"{actor} and {target} form an alliance.",
        "alliance_refused": f"{target} rebuffs {actor}'s offer of alliance.",
        "alliance_broken": f"{actor} breaks with {target}.",
        "alliance_ended": f"The alliance of {actor} and {target} is over.",
        "attacked": f"{actor} attacks {target} in print.",
        "defended_line": f"{actor} defends the line.",
        "criticized_line": f"{actor} attacks the line and the party bureaucracy.",
        "appealed": f"{actor} appeals to the rank and file.",
        "gathered_material": f"{actor} gathers material on {target}.",
        "faction_organized": f"{actor} organizes his supporters as a faction.",
        "faction_detected": f"{actor} learns of {target}'s faction.",
        "position_shifted": f"{actor} shifts his position on {issue}.",
        "policy_adopted": f"The {lead} adopts {actor}'s line on {issue}{votes}.",
        "policy_rejected": f"The {lead} rejects {actor}'s proposal on {issue}{votes}.",
        "won_over": f"{target} becomes {actor}'s client.",
        "win_over_failed": f"{target} resists {actor}'s overtures.",
        "recanted": f"{actor} recants and is put on probation.",
        "motion_passed": f"{actor} moves {rung} of {target}: carried{votes}.",
        "motion_failed": f"{actor} moves {rung} of {target}: defeated{votes}.",
        "office_filled": f"{actor} becomes {office}.",
        "office_lost": f"{actor} loses the post of {office}.",
        "seat_filled": f"{actor} takes a {'full' if e.value == 2 else 'candidate'} seat "
        f"in the {lead}.",
        "seat_lost": f"{actor} leaves the {lead}.",
        "seat_demoted": f"{actor} is demoted to a candidate seat in the {lead}.",
        "common_threat": f"{actor} is now the man the others fear most: a front forms against him.",
        "rehabilitated": f"{actor} is rehabilitated and readmitted to the party.",
        "secretary_defected": f"The secretary of {region} deserts {target}'s beaten bloc "
        f"for {actor}'s.",
        "restrained": (
            f"{actor}, who would be the next target, holds back from removing {target}."
        ),
        "expelled": f"{actor} is expelled from the party.",
        "exiled": f"{actor} is sent into exile.",
        "congress_opened": f"The congress opens with {int(e.value or 0)} voting delegates.",
        "congress_vote": f"The congress endorses {actor}'s report against {target}'s "
        f"opposition{votes}."
        if yes > no
        else f"The congress sides with {target}'s opposition against {actor}{votes}.",
        "conference_vote": f"The conference condemns {target}'s opposition{votes}."
        if yes > no
        else f"The conference backs {target}'s opposition{votes}.",
        "committee_elected": f"A new {committee} is elected; {actor}'s bloc holds "
        f"{e.yes} of {e.no} seats.",
        "consolidated": f"{actor} has consolidated power.",
        "plenum": f"The {committee} meets in plenum; {actor}'s coalition holds "
        f"{e.yes} of {yes + no} seats.",
    }
    return texts.get(kind, f"{kind}: {actor} {target}")


def narrative(
    world: World, records: Sequence[EventRecord], outcome: Outcome, verbose: bool = False
) -> list[tuple[str, list[str]]]:
    """(month, sentences) in calendar order, then nothing else: the outcome is told by
    :func:`outcome_summary`."""
    months: dict[str, list[str]] = {}
    for e in records:
        if not verbose and e.kind in ROUTINE:
            continue
        months.setdefault(e.month, []).append(describe_event(world, e))
    return list(months.items())


def outcome_summary(world: World, outcome: Outcome) -> list[str]:
    """Sentences on who won, when, and how each rival fell."""
    lines = []
    if outcome.winner is None:
        lines.append(
            f"No one consolidated power by {world.month_label(world.months - 1)}: "
            "the run ends as a collective leadership."
        )
    else:
        lines.append(f"{_name(world, outcome.winner)} consolidated power in {outcome.month}.")
    for leader, record in outcome.eliminations.items():
        parts = []
        for office, month in record.offices.items():
            parts.append(f"lost {world.office_names[world.office_ids.index(office)]} {month}")
        if record.politburo:
            parts.append(f"left the {world.body_names['leadership']} {record.politburo}")
        if record.party:
            parts.append(f"expelled {record.party}")
        if record.exile:
            parts.append(f"exiled {record.exile}")
        if parts:
            lines.append(f"{_name(world, leader)}: " + "; ".join(parts) + ".")
    return lines
