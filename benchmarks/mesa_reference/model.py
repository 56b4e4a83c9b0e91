"""The Mesa model: one run of a succession struggle with the core mechanisms only
(appointment, bodies and votes, congress elections, discipline).

A month, in the engine's order (``politburo.kernel.month.step``):

1. scheduled events (strokes, deaths, congresses, recruitment drives); bloc leaders marked
   (at month 0 also by the committee seats the scenario gives them)
2. every leader decides (the heuristic, on one shared view of the month)
3. actions are carried out verb by verb, leaders in a fresh random order
4. congresses (each followed by a plenum), conferences, scheduled motions, and the
   committee's plenum when ``plenum_interval`` months have passed since the last
5. drift: membership, client and secretary loyalty, fading evidence
6. real power is measured (Banzhaf), bloc leaders marked, and consolidation checked
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mesa

from benchmarks.mesa_reference.agents import (
    SEAT_CANDIDATE,
    SEAT_FULL,
    SEAT_NONE,
    Delegate,
    Leader,
    RegionalSecretary,
    Verb,
    chance,
    clip,
    logistic_noise,
)
from benchmarks.mesa_reference.facts import Facts, Rung, facts_of
from benchmarks.mesa_reference.numeric import pairwise_sum
from benchmarks.mesa_reference.power import banzhaf
from politburo.model.params import DEFAULT_PARAMETERS, Parameters
from politburo.model.world import CompiledEffect


@dataclass
class Survey:
    """What every leader sees when deciding this month: bloc votes in the bodies, region
    weights, main threats (filled as asked)."""

    lead_votes: dict[Leader, int]
    comm_votes: dict[Leader, int]
    total_lead: int
    in_use: int
    region_weight: list[float]
    seen: dict[Leader, float]
    threat: dict[Leader, Leader | None] = field(default_factory=dict)

    def share(self, role: str, bloc: Leader) -> float:
        """Share of the votes of a body that ``bloc`` commands."""
        if role == "leadership":
            return self.lead_votes.get(bloc, 0) / self.total_lead
        return self.comm_votes.get(bloc, 0) / self.in_use


@dataclass(frozen=True)
class Motion:
    """A disciplinary motion and what every voter weighs alike."""

    mover: Leader | None  # None: put by the plenum (a scheduled motion)
    target: Leader
    case: float  # the case against the target (prestige, arrogance, evidence, collegiality)
    merit: float  # support of a voter loyal to no one, before his noise
    seen_mover: float
    seen_target: float


class PolitburoModel(mesa.Model):
    """One run of the scenario, leaders, secretaries and delegates as Mesa agents."""

    def __init__(
        self,
        facts: Facts | None = None,
        params: Parameters = DEFAULT_PARAMETERS,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed=seed)
        self.facts = f = facts if facts is not None else facts_of()
        self.params = params
        self.turn = 0
        self.leader_list: list[Leader] = [
            Leader(
                self,
                index=i,
                name=name,
                actor=f.actor[i],
                prestige=f.prestige0[i],
                seat=f.seat0[i],
                loyalty=f.loyalty0[i],
                trait=params.neutral_trait,
            )
            for i, name in enumerate(f.leader_ids)
        ]
        for leader, patron in zip(self.leader_list, f.patron0, strict=True):
            leader.patron = self.leader_list[patron]
        self.office_holder: list[Leader | None] = [self._leader(h) for h in f.office_holder0]
        self.secretary_list: list[RegionalSecretary] = [
            RegionalSecretary(
                self,
                index=g,
                name=name,
                members=f.members0[g],
                patron=self._leader(f.secretary_patron0[g]),
                loyalty=f.secretary_loyalty0[g],
            )
            for g, name in enumerate(f.region_ids)
        ]
        self.committee: list[Leader | None] = [self._leader(x) for x in f.committee0]
        self.control: list[Leader | None] = [self._leader(x) for x in f.control0]
        self.drives: dict[int, tuple[float, int]] = {}  # cohort -> (members a month, months)
        self.claimed: set[Leader] = set()
        self.last_plenum = 0  # turn of the committee's last plenum
        self.winner: Leader | None = None
        self.consolidated = -1
        self.survey = self.take_survey()
        self.measure_power()

    def _leader(self, index: int) -> Leader | None:
        return None if index < 0 else self.leader_list[index]

    @property
    def leaders(self) -> mesa.agent.AgentSet:
        return self.agents_by_type[Leader]

    @property
    def secretaries(self) -> mesa.agent.AgentSet:
        return self.agents_by_type[RegionalSecretary]

    # --- the month ----------------------------------------------------------------------
    def step(self) -> None:
        meetings = self.fire_events()
        self.mark_bloc_leaders(at_start=self.turn == 0)
        self.survey = self.take_survey()
        self.leaders.do("decide")
        self.resolve_actions()
        self.hold_meetings(meetings)
        self.drift()
        self.measure_power()
        self.mark_bloc_leaders(at_start=False)
        self.check_consolidation()
        self.turn += 1
        self.running = self.turn < self.facts.months

    def fire_events(self) -> list[CompiledEffect]:
        """This month's scheduled effects; returns the meetings to hold after decisions.
        Prestige, funerals, documents, crises, alliances and rules belong to ablated
        mechanisms and change nothing here."""
        meetings: list[CompiledEffect] = []
        for effect in self.facts.effects[self.turn]:
            kind = effect.effect
            if kind == "incapacitate":
                self.leader_list[effect.leader].incapacitated = True
            elif kind == "recover":
                self.leader_list[effect.leader].incapacitated = False
            elif kind == "death":
                leader = self.leader_list[effect.leader]
                if leader.alive:
                    leader.alive = False
                    self.leave_posts(leader)
            elif kind == "recruitment_drive":
                self.drives[effect.cohort] = (effect.value / effect.months, effect.months)
            elif kind in ("congress", "conference", "motion"):
                meetings.append(effect)
        return meetings

    def take_survey(self) -> Survey:
        totals = [s.total for s in self.secretary_list]
        grand = max(pairwise_sum(totals), 1e-9)
        lead = self.leadership_votes()
        return Survey(
            lead_votes=lead,
            comm_votes=self.committee_votes(self.committee),
            total_lead=max(sum(lead.values()), 1),
            in_use=max(len(self.committee), 1),
            region_weight=[t / grand * len(totals) for t in totals],
            seen=self.seen_power(),
        )

    def resolve_actions(self) -> None:
        """Verb by verb in resolution order; within a verb, leaders in this month's random
        acting order. Legality is judged at the start of each verb."""
        order = self.leaders.shuffle()
        for verb in Verb:
            if not any(v == verb for leader in self.leader_list for v, _ in leader.plan):
                continue
            self.leaders.do("open_verb", verb)
            self.claimed = set()
            order.do("carry_out", verb)

    def hold_meetings(self, meetings: list[CompiledEffect]) -> None:
        for effect in meetings:
            if effect.effect == "congress":
                self.hold_congress()
            elif effect.effect == "conference":
                self.hold_conference()
            elif effect.effect == "motion":
                target = self.leader_list[effect.leader]
                if target.alive:
                    office = None if effect.office < 0 else effect.office
                    self.move_discipline(None, target, rung_index=effect.rung, office=office)
        if self.turn - self.last_plenum >= self.params.plenum_interval:
            self.hold_plenum()

    def drift(self) -> None:
        self.run_drives()
        self.secretaries.do("grow")
        self.leaders.do("drift_loyalty")
        self.secretaries.do("firm_up", self.commanding_bloc())
        self.leaders.do("fade_evidence")

    def run_drives(self) -> None:
        """Members of running recruitment drives join, spread by current membership."""
        running = {c: d for c, d in self.drives.items() if d[1] > 0}
        if not running:
            return
        totals = [s.total for s in self.secretary_list]
        grand = max(pairwise_sum(totals), 1e-9)
        for cohort, (rate, left) in running.items():
            for secretary, total in zip(self.secretary_list, totals, strict=True):
                secretary.admit(cohort, total / grand * rate)
            self.drives[cohort] = (rate, left - 1)

    # --- bodies and power ---------------------------------------------------------------
    def leadership_votes(self) -> dict[Leader, int]:
        """Full leadership seats of present members, by bloc leader."""
        votes: dict[Leader, int] = {}
        for leader in self.leader_list:
            if leader.seat == SEAT_FULL and leader.present:
                votes[leader.patron] = votes.get(leader.patron, 0) + 1
        return votes

    @staticmethod
    def committee_votes(seats: list[Leader | None]) -> dict[Leader, int]:
        """Committed seats of a body, by bloc leader."""
        votes: dict[Leader, int] = {}
        for seat in seats:
            if seat is not None:
                votes[seat.patron] = votes.get(seat.patron, 0) + 1
        return votes

    def bloc_votes(self, role: str) -> dict[Leader, int]:
        if role == "leadership":
            return self.leadership_votes()
        if role == "control":
            return self.committee_votes(self.control)
        return self.committee_votes(self.committee)

    def _banzhaf(self, votes: dict[Leader, int]) -> dict[Leader, float]:
        players = sorted((b for b, v in votes.items() if v > 0), key=lambda b: b.index)
        index = banzhaf(tuple(votes[b] for b in players))
        return dict(zip(players, index, strict=True))

    def measure_power(self) -> None:
        """Real power: Banzhaf index of each bloc in the leadership and the committee."""
        lead = self._banzhaf(self.leadership_votes())
        comm = self._banzhaf(self.committee_votes(self.committee))
        w = self.params.leadership_power_weight
        for leader in self.leader_list:
            leader.real_power = w * lead.get(leader, 0.0) + (1.0 - w) * comm.get(leader, 0.0)

    def seen_power(self) -> dict[Leader, float]:
        """Shares of visible stature (prestige, oratory, visible offices) of present leaders."""
        p = self.params
        visible = {
            leader: (
                leader.prestige
                + p.seen_oratory_weight * leader.oratory
                + p.seen_office_weight * leader.power("prestige")
                if leader.present
                else 0.0
            )
            for leader in self.leader_list
        }
        total = max(pairwise_sum(list(visible.values())), 1e-9)
        return {leader: v / total for leader, v in visible.items()}

    def mark_bloc_leaders(self, at_start: bool) -> None:
        """Principals with a following or a faction are (from now on) contenders;
        ``at_start`` (before the first month's decisions, not at its end) the committee
        seats the scenario gives a principal count as a following."""
        self.leaders.do("note_following", self.committee_votes(self.committee), at_start)

    def main_threat(self, bloc: Leader) -> Leader | None:
        """The rival bloc leader a bloc fears most (real power plus visible stature,
        weighted up by the force he commands); only a present principal who leads or led
        a bloc is anyone's rival."""
        if bloc in self.survey.threat:
            return self.survey.threat[bloc]
        p = self.params
        best: Leader | None = None
        best_score = 0.0
        for rival in self.leader_list:
            if not (rival.principal and rival.led_bloc) or rival.patron is bloc.patron:
                continue
            # policy is ablated: no distance weighs the fear up
            potential = rival.real_power + p.threat_stature_weight * self.survey.seen[rival]
            score = potential * (1.0 + p.threat_force_weight * rival.force)
            if score > best_score:
                best, best_score = rival, score
        self.survey.threat[bloc] = best
        return best

    def check_consolidation(self) -> None:
        """A leader has won when his bloc holds a majority of the full leadership seats
        and of the committee, and no contender who has not been reduced to submission
        (recanted) holds a full seat (leaders who never led a bloc, and penitents, may
        keep theirs, rivals may sit as candidates). An ally would co-rule and bar it too,
        but only with the alliances mechanism on (the engine reads alliances only then):
        with alliances ablated, as here, nobody is an ally."""
        if self.winner is not None:
            return
        leader: Leader | None = None
        for x in self.leader_list:
            if x.principal and (leader is None or x.real_power > leader.real_power):
                leader = x
        if leader is None:
            return
        full = [x for x in self.leader_list if x.seat == SEAT_FULL and x.seatable]
        if any(
            x.patron is x and x.led_bloc and x.penitent_since < 0 and x is not leader for x in full
        ):
            return
        if sum(x.patron is leader for x in full) * 2 <= len(full):
            return
        if self.committee_votes(self.committee).get(leader, 0) * 2 <= len(self.committee):
            return
        self.winner = leader
        self.consolidated = self.turn

    # --- posts --------------------------------------------------------------------------
    def holds_post(self, leader: Leader) -> bool:
        return leader.seat != SEAT_NONE or any(h is leader for h in self.office_holder)

    def has_present_clients(self, leader: Leader) -> bool:
        return any(x is not leader and x.patron is leader and x.present for x in self.leader_list)

    def offices_held(self, leader: Leader) -> int:
        return sum(1 for h in self.office_holder if h is leader)

    def commanding_bloc(self) -> Leader | None:
        """The dominant bloc of the committee if it holds a majority of the seats in use
        (no alliances in the core subset: a coalition is one bloc)."""
        leader = self.dominant_bloc("committee")
        votes = self.bloc_votes("committee")
        seats = sum(v for b, v in votes.items() if b.patron is leader.patron)
        return leader if 2 * seats > len(self.committee) else None

    def dominant_bloc(self, role: str) -> Leader:
        """The principal whose bloc commands most votes in a body."""
        votes = self.bloc_votes(role)
        best = self.leader_list[0]
        best_strength = -math.inf
        for leader in self.leader_list:
            strength = -1.0
            if leader.principal:
                strength = float(sum(v for b, v in votes.items() if b.patron is leader.patron))
                strength += 1e-3 * votes.get(leader, 0)
            if strength > best_strength:
                best, best_strength = leader, strength
        return best

    def nominate(self, role: str) -> Leader | None:
        """The dominant coalition's nominee for a post: prestige, a client before a
        principal, and fewer offices already held; nobody on probation."""
        p = self.params
        leader_of = self.dominant_bloc(role)
        best: Leader | None = None
        best_score = -math.inf
        for x in self.leader_list:
            if not (x.present and x.actor and x.patron is leader_of.patron):
                continue
            if x.on_probation:
                continue
            score = (
                x.prestige
                + p.nominee_client_bonus * (x.patron is not x)
                - p.nominee_office_penalty * self.offices_held(x)
            )
            if score > best_score:
                best, best_score = x, score
        return best

    def vacate_office(self, office: int) -> None:
        holder = self.office_holder[office]
        if holder is None:
            return
        self.office_holder[office] = None
        holder.lost_office_at.setdefault(office, self.turn)

    def fill_office_now(self, office: int) -> None:
        """Elect a holder for a vacant office: the nominee of the coalition commanding the
        body that appoints to it."""
        if self.office_holder[office] is not None:
            return
        nominee = self.nominate(self.facts.office_elected_by[office])
        if nominee is not None:
            self.office_holder[office] = nominee

    def fill_between_plenums(self, office: int) -> None:
        """A vacancy between plenums: a body that sits continuously (the leadership, the
        secretariat, the control body) fills it at once; one the committee or the
        congress appoints to waits for the committee's next plenum."""
        if self.facts.office_elected_by[office] not in ("committee", "congress"):
            self.fill_office_now(office)

    def lose_seat(self, leader: Leader) -> None:
        if leader.seat == SEAT_NONE:
            return
        leader.seat = SEAT_NONE
        if leader.lost_seat_at < 0:
            leader.lost_seat_at = self.turn
        leader.seat_lost_at = self.turn

    def release_bloc(self, leader: Leader) -> None:
        """A leader leaves politics: his clients become principals; seats and secretaries
        that owed him owe nobody."""
        for x in self.leader_list:
            if x is not leader and x.patron is leader:
                x.patron = x
                x.loyalty = 1.0
        self.committee = [None if s is leader else s for s in self.committee]
        self.control = [None if s is leader else s for s in self.control]
        for secretary in self.secretary_list:
            if secretary.patron is leader:
                secretary.patron = None
        leader.faction = False

    def leave_posts(self, leader: Leader) -> None:
        """Vacate every office and seat of ``leader``; the posts wait for the bodies
        that appoint to them."""
        for office, holder in enumerate(self.office_holder):
            if holder is leader:
                self.vacate_office(office)
        self.lose_seat(leader)
        self.release_bloc(leader)
        for office in range(len(self.office_holder)):
            self.fill_between_plenums(office)

    def main_office(self, leader: Leader) -> int:
        """The most powerful office ``leader`` holds (-1 if none)."""
        best, best_weight = -1, -1.0
        for office, holder in enumerate(self.office_holder):
            if holder is leader:
                weight = pairwise_sum(list(self.facts.office_powers[office].values()))
                if weight > best_weight:
                    best, best_weight = office, weight
        return best

    # --- discipline ---------------------------------------------------------------------
    def next_rung(self, leader: Leader) -> int:
        """The next applicable rung of the ladder against ``leader`` (-1 if none)."""
        if not leader.alive:
            return -1
        for k, rung in enumerate(self.facts.ladder):
            if leader.rung >= k:
                continue
            effect = rung.effect
            if effect == "exile":
                applicable = not leader.exiled
            elif not leader.in_party:
                applicable = False
            elif effect == "remove_office":
                applicable = any(h is leader for h in self.office_holder)
            elif effect == "remove_seat":
                applicable = leader.seat != SEAT_NONE
            else:  # censure, expel
                applicable = True
            if applicable:
                return k
        return -1

    def motion(
        self, mover: Leader | None, target: Leader, seen: dict[Leader, float] | None = None
    ) -> Motion:
        """A motion of ``mover`` (None: the plenum) against ``target``, weighed with the
        visible stature ``seen`` (by default as it is now)."""
        p = self.params
        if seen is None:
            seen = self.seen_power()
        prestige_mover = mover.prestige if mover is not None else p.plenum_prestige
        # faction_ban and information are ablated: evidence counts at the unbanned weight,
        # and nobody holds material
        evidence = target.pretext * p.unbanned_evidence_weight
        case = (
            -p.vote_prestige_weight * (target.prestige - prestige_mover)
            + p.vote_stigma_weight * target.stigma
            + p.vote_arrogance_weight * target.arrogance
            + p.vote_pretext_weight * evidence
            - p.vote_collegiality
        )
        seen_mover = seen[mover] if mover is not None else 0.0
        seen_target = seen[target]
        return Motion(
            mover=mover,
            target=target,
            case=case,
            merit=p.vote_fear_weight * (seen_mover - seen_target) + case,
            seen_mover=seen_mover,
            seen_target=seen_target,
        )

    def move_discipline(
        self,
        mover: Leader | None,
        target: Leader,
        rung_index: int | None = None,
        office: int | None = None,
    ) -> None:
        """Put the next rung (or rung ``rung_index``) against ``target`` to the vote."""
        k = self.next_rung(target) if rung_index is None else rung_index
        if k < 0:
            return
        rung = self.facts.ladder[k]
        passed = self.tally(rung, self.motion(mover, target))
        target.last_discipline = self.turn
        if not passed and mover is not None:
            mover.defeated_at[target] = self.turn
        if passed:
            self.apply_rung(k, target, office)

    def tally(self, rung: Rung, motion: Motion) -> bool:
        """Vote a motion in the rung's body (jointly with its joint bodies)."""
        votes = {leader: leader.supports(motion) for leader in self.leader_list}
        if rung.role == "leadership":
            voting = [x for x in self.leader_list if x.seat == SEAT_FULL and x.present]
            yes = sum(votes[x] for x in voting)
            no = len(voting) - yes
        else:
            seats = self.control if rung.role == "control" else self.committee
            yes, no = self.seat_vote(seats, motion, votes)
        for other in rung.joint_roles:
            if other == rung.role or other not in ("committee", "control"):
                continue
            seats = self.control if other == "control" else self.committee
            more_yes, more_no = self.seat_vote(seats, motion, votes)
            yes, no = yes + more_yes, no + more_no
        return yes / max(yes + no, 1) > rung.quota

    def forecast(self, rung: Rung, motion: Motion) -> float:
        """The expected yes share of ``motion`` in the rung's body (jointly with its joint
        bodies): :meth:`tally`'s vote model with every voter's noise, and every seat's
        desertion, at its expected value."""
        lead_yes = {x: x.chance_of_yes(motion) for x in self.leader_list}
        yes = 0.0
        n = 0
        if rung.role == "leadership":
            for x in self.leader_list:
                if x.seat == SEAT_FULL and x.present:
                    yes += lead_yes[x]
                    n += 1
        else:
            seats = self.control if rung.role == "control" else self.committee
            yes, n = self.seat_forecast(seats, motion, lead_yes)
        for other in ("committee", "control"):  # the engine's order of the bodies
            if other == rung.role or other not in rung.joint_roles:
                continue
            seats = self.control if other == "control" else self.committee
            more_yes, more_n = self.seat_forecast(seats, motion, lead_yes)
            yes += more_yes
            n += more_n
        return yes / max(n, 1)

    def seat_forecast(
        self, seats: list[Leader | None], motion: Motion, lead_yes: dict[Leader, float]
    ) -> tuple[float, int]:
        """Expected yes votes of a body of seats under :meth:`seat_vote`, and its votes:
        a committed seat follows its bloc leader's chance of a yes (``lead_yes``) unless
        it deserts a side that looks weaker, then judges on merit as the rest do."""
        p = self.params
        merit = chance(motion.merit, p.seat_vote_noise)
        desert_yes = p.defection_rate if motion.seen_mover < motion.seen_target else 0.0
        desert_no = p.defection_rate if motion.seen_target < motion.seen_mover else 0.0
        yes = 0.0
        for seat in seats:
            bloc = seat.patron if seat is not None else None
            if bloc is not None and bloc.present:
                a = lead_yes[bloc]
                yes += a * ((1.0 - desert_yes) + desert_yes * merit)
                yes += (1.0 - a) * desert_no * merit
            else:
                yes += merit
        return yes, len(seats)

    def seat_vote(
        self, seats: list[Leader | None], motion: Motion, votes: dict[Leader, bool]
    ) -> tuple[int, int]:
        """Committed seats follow their bloc leader unless they desert a side that looks
        weaker; uncommitted seats (and those whose leader is absent) judge on merit."""
        p = self.params
        rng = self.random
        yes = 0
        for seat in seats:
            bloc = seat.patron if seat is not None else None
            vote: bool | None = None
            if bloc is not None and bloc.present:
                follows = votes[bloc]
                if follows:
                    weaker = motion.seen_mover < motion.seen_target
                else:
                    weaker = motion.seen_target < motion.seen_mover
                if not (weaker and rng.random() < p.defection_rate):
                    vote = follows
            if vote is None:
                vote = motion.merit + p.seat_vote_noise * logistic_noise(rng.random()) > 0
            yes += vote
        return yes, len(seats) - yes

    def apply_rung(self, k: int, target: Leader, office: int | None) -> None:
        p = self.params
        target.rung = max(target.rung, k)
        effect = self.facts.ladder[k].effect
        if effect == "censure":
            target.pretext = min(1.0, target.pretext + p.censure_pretext)
        elif effect == "remove_office":
            if office is None:
                chosen = self.main_office(target)
            else:
                chosen = office if self.office_holder[office] is target else -1
            if chosen >= 0:
                self.vacate_office(chosen)
                self.fill_between_plenums(chosen)
        elif effect == "remove_seat":
            self.lose_seat(target)
        elif effect == "expel":
            target.in_party = False
            if target.expelled_at < 0:
                target.expelled_at = self.turn
            self.leave_posts(target)
        elif effect == "exile":
            was_member = target.in_party
            target.exiled = True
            target.in_party = False
            if target.expelled_at < 0:
                target.expelled_at = self.turn
            target.exiled_at = self.turn
            if was_member:
                self.leave_posts(target)
            self.release_bloc(target)

    # --- congresses ---------------------------------------------------------------------
    def veteran_lean(self) -> list[tuple[Leader, float]]:
        """Share of veteran members following each bloc leader (the rest uncommitted):
        a softmax of the most attractive member of each bloc."""
        p = self.params
        attraction: dict[Leader, float] = {}
        for x in self.leader_list:
            if not x.present:
                continue
            boost = p.faction_coordination if x.faction else 0.0  # no ban: full pull
            value = (
                x.prestige
                + boost
                - p.member_stigma_weight * x.stigma
                - p.member_arrogance_weight * x.arrogance
            )
            bloc = x.patron
            if bloc.principal:
                attraction[bloc] = max(attraction.get(bloc, -math.inf), value)
        if not attraction:
            return []
        top = max(attraction.values())
        weights = {
            b: math.exp((a - top) / p.member_lean_temperature) for b, a in attraction.items()
        }
        total = sum(weights.values())
        committed = 1.0 - p.uncommitted_share
        return [(b, weights[b] / total * committed) for b in sorted(weights, key=lambda b: b.index)]

    def elect_delegates(self) -> list[Delegate]:
        """Apportion the congress's delegates to the regions by membership (largest
        remainders) and let each region elect its own."""
        f = self.facts
        count = f.full_seats["congress"][min(self.turn, f.months - 1)]
        totals = [s.total for s in self.secretary_list]
        grand = max(pairwise_sum(totals), 1e-9)
        quotas = [count * t / grand for t in totals]
        seats = [int(q) for q in quotas]
        by_remainder = sorted(range(len(quotas)), key=lambda g: seats[g] - quotas[g])
        for g in by_remainder[: count - sum(seats)]:
            seats[g] += 1
        lean = self.veteran_lean()
        delegates: list[Delegate] = []
        for secretary, n in zip(self.secretary_list, seats, strict=True):
            delegates += secretary.send_delegates(n, lean)
        return delegates

    def drafter(self) -> Leader:
        """The bloc leader who drafts the slate: the holder of most agenda power."""
        holder: Leader | None = None
        most = 0.0
        for x in self.leader_list:
            if x.present:
                agenda = x.power("agenda")
                if agenda > most:
                    holder, most = x, agenda
        if holder is None:
            return self.dominant_bloc("leadership")
        return holder.patron

    def coalition_of(self, leader: Leader) -> set[Leader]:
        return {x for x in self.leader_list if x.patron is leader.patron}

    def opposition(self, coalition: set[Leader]) -> set[Leader]:
        """Organized opposition outside the drafter's coalition."""
        return {x for x in self.leader_list if x.principal and x not in coalition and x.faction}

    def report_vote(self, delegates: list[Delegate], coalition: set[Leader]) -> None:
        """The delegates vote on the political report; a defeated organized opposition is
        condemned (evidence against its leaders)."""
        opposition = self.opposition(coalition)
        if not opposition or not delegates:
            return
        n = len(delegates)
        yes_share = sum(d.bloc in coalition for d in delegates) / n
        no_share = sum(d.bloc in opposition for d in delegates) / n
        lean = clip(0.5 + self.params.bandwagon * (yes_share - no_share), 0.0, 1.0)
        yes = sum(d.votes_for_report(coalition, opposition, lean) for d in delegates)
        if yes > n - yes:
            for x in opposition:
                x.pretext = min(1.0, x.pretext + self.params.condemnation_pretext)

    def hold_congress(self) -> None:
        """Delegations, the report vote, committee elections, the vacant offices the
        congress elects to, then the new committee's plenum."""
        f = self.facts
        turn = min(self.turn, f.months - 1)
        delegates = self.elect_delegates()
        drafter = self.drafter()
        coalition = self.coalition_of(drafter)
        self.report_vote(delegates, coalition)
        # The drafter's delegates strike the opposite camp's names if they are a majority.
        backing = sum(d.bloc in coalition for d in delegates) / max(len(delegates), 1)
        strike = backing > 0.5
        weights = [d.slate_weight(coalition) for d in delegates]

        def draw(n: int) -> list[Leader | None]:
            return [d.bloc for d in self.random.choices(delegates, weights, k=n)]

        self.committee = self.elect_seats(
            self.committee, f.full_seats["committee"][turn], drafter, strike, draw
        )
        if "control" in f.full_seats:
            self.control = self.elect_seats(
                self.control, f.full_seats["control"][turn], drafter, strike, draw
            )
        for delegate in delegates:
            delegate.remove()
        for office, role in enumerate(f.office_elected_by):
            if role == "congress":
                self.fill_office_now(office)
        self.hold_plenum()

    @staticmethod
    def elect_seats(
        seats: list[Leader | None],
        size: int,
        drafter: Leader,
        strike: bool,
        draw: Callable[[int], list[Leader | None]],
    ) -> list[Leader | None]:
        """A body of ``size`` seats elected by a congress from its sitting ``seats`` (in
        seat order; seats from ``size`` on close): a sitting member is re-elected
        (:meth:`Leader.re_elected`: his bloc leader present and his name not struck);
        every other seat (new, uncommitted, of a bloc whose leader is gone, struck) goes
        to the bloc of a delegate drawn on the slate, ``draw(n)`` drawing the ``n`` open
        seats' blocs at once, in seat order."""
        elected = [seats[q] if q < len(seats) else None for q in range(size)]
        open_seats = [
            q for q, x in enumerate(elected) if x is None or not x.re_elected(drafter, strike)
        ]
        for q, bloc in zip(open_seats, draw(len(open_seats)), strict=True):
            elected[q] = bloc
        return elected

    def hold_conference(self) -> None:
        """A conference debates the line (a report vote) and elects nothing."""
        coalition = self.coalition_of(self.drafter())
        if not self.opposition(coalition):
            return
        delegates = self.elect_delegates()
        self.report_vote(delegates, coalition)
        for delegate in delegates:
            delegate.remove()

    # --- plenums -------------------------------------------------------------------------
    def majority(self) -> tuple[Leader, float]:
        """The leader of the committee's dominant coalition and its share of the seats."""
        leader = self.dominant_bloc("committee")
        votes = self.committee_votes(self.committee)
        mine = sum(n for bloc, n in votes.items() if bloc.patron is leader.patron)
        return leader, mine / max(len(self.committee), 1)

    def hold_plenum(self) -> None:
        """The committee meets: its dominant coalition's slate elects the leadership,
        then the offices it appoints to are reassigned and filled. (Alliances are
        ablated: no surplus ally to shed.)"""
        self.last_plenum = self.turn
        drafter, share = self.majority()
        self.elect_leadership(drafter, share)
        self.elect_offices(drafter, share)

    def elect_leadership(self, drafter: Leader, share: float) -> None:
        """The slate's best ``full`` take full seats, the next best ``candidate``
        candidate seats; a full member ranked among the candidates is demoted, one
        ranked out loses his seat."""
        f = self.facts
        turn = min(self.turn, f.months - 1)
        votes = self.committee_votes(self.committee)
        places = {x: x.slate_place(drafter, share, votes) for x in self.leader_list}
        new_seat = dict.fromkeys(self.leader_list, SEAT_NONE)

        def elect(size: int, column: int, seat: int) -> None:
            for _ in range(size):
                # the unelected with the best place (the first leader on ties)
                best: Leader | None = None
                for x in self.leader_list:
                    value = places[x][column]
                    if new_seat[x] != SEAT_NONE or value == -math.inf:
                        continue
                    if best is None or value > places[best][column]:
                        best = x
                if best is None:
                    return
                new_seat[best] = seat

        elect(f.full_seats["leadership"][turn], 0, SEAT_FULL)
        for x, (full, candidate) in places.items():
            # whoever could sit as a full member can sit as a candidate
            if full > -math.inf and candidate == -math.inf:
                places[x] = (full, full - 3.0)
        elect(f.candidate_seats["leadership"][turn], 1, SEAT_CANDIDATE)
        for x in self.leader_list:
            if new_seat[x] == x.seat:
                continue
            if new_seat[x] == SEAT_NONE and x.seatable:
                self.lose_seat(x)
            else:
                x.seat = new_seat[x]

    def elect_offices(self, drafter: Leader, share: float) -> None:
        """Offices the committee appoints to: taken from outsiders the slate would not
        keep (with a majority to do it); then every vacancy but those the congress
        elects to is filled (the leadership, secretariat or control body could not fill
        it when it arose)."""
        roles = self.facts.office_elected_by
        if share > 0.5:
            votes = self.committee_votes(self.committee)
            for o in (o for o, role in enumerate(roles) if role == "committee"):
                holder = self.office_holder[o]
                if holder is None or holder.patron is drafter.patron or not holder.present:
                    continue
                if holder.keep_value(share, votes) <= self.params.inclusion_cost:
                    self.vacate_office(o)
        for o, role in enumerate(roles):
            if role != "congress":
                self.fill_office_now(o)

    # --- outcome ------------------------------------------------------------------------
    def outcome(self) -> dict[str, Any]:
        """Winner, month of consolidation, and what became of each leader."""
        f = self.facts

        def label(turn: int) -> str | None:
            return None if turn < 0 else f.month_labels[turn]

        fates: dict[str, dict[str, Any]] = {}
        for x in self.leader_list:
            fates[x.name] = {
                "politburo": label(x.lost_seat_at),
                "party": label(x.expelled_at),
                "exile": label(x.exiled_at),
                "offices": {f.office_ids[o]: label(t) for o, t in x.lost_office_at.items()},
                "submitted": x.patron is not x,
            }
        return {
            "winner": None if self.winner is None else self.winner.name,
            "month": label(self.consolidated),
            "consolidated": self.consolidated,
            "leaders": fates,
        }
