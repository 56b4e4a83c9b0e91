"""The agents: one per leader, per regional secretary and per congress delegate.

A :class:`Leader` scores his legal actions with the engine's heuristic
(``politburo.kernel.decide``) restricted to the core mechanisms, takes his best few,
carries them out and votes on motions. A :class:`RegionalSecretary` holds his region's
membership and shapes its delegation. A :class:`Delegate` exists for one congress: he
sides with a bloc, votes on the report and is drawn onto the committee slate.
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import TYPE_CHECKING

import mesa

from benchmarks.mesa_reference.numeric import pairwise_sum

if TYPE_CHECKING:
    from benchmarks.mesa_reference.facts import Rung
    from benchmarks.mesa_reference.model import Motion, PolitburoModel

SEAT_NONE, SEAT_CANDIDATE, SEAT_FULL = 0, 1, 2
#: slate value of a sitting member the plenum cannot drop
SECURE = 1e6


class Verb(IntEnum):
    """The verbs that can be legal when only the core mechanisms are on, numbered as in
    the engine (``politburo.model.actions.Verb``), which is also their resolution order.
    Recruitment, alliances, words (legitimacy), material (information) and policy verbs
    are never legal under the core subset and are left out."""

    RECANT = 1
    WIN_OVER = 5
    APPOINT = 6
    ORGANIZE_FACTION = 13
    MOVE_DISCIPLINE = 15


#: Verbs whose target only the first leader in the acting order may act on each month.
CLAIMING = frozenset({Verb.WIN_OVER, Verb.MOVE_DISCIPLINE})


def logistic_noise(uniform: float) -> float:
    """Standard logistic noise from a uniform number (as the engine's vote noise)."""
    return math.log(uniform / (1.0 - uniform + 1e-12) + 1e-12)


def clip(x: float, low: float, high: float) -> float:
    return low if x < low else high if x > high else x


def chance(utility: float, noise: float) -> float:
    """P(utility + noise * X > 0) for standard logistic X: the chance of a yes vote,
    the voter's noise taken at its expected value."""
    if noise <= 0.0:
        return 1.0 if utility > 0 else 0.0
    try:
        return 1.0 / (1.0 + math.exp(-utility / noise))
    except OverflowError:  # exp of a huge number is inf (as numpy's): no chance
        return 0.0


class Leader(mesa.Agent):
    """A member of the leadership (or a leader outside it): his bloc, seat, standing and
    the heuristic that chooses his actions."""

    model: PolitburoModel

    def __init__(
        self,
        model: PolitburoModel,
        index: int,
        name: str,
        actor: bool,
        prestige: float,
        seat: int,
        loyalty: float,
        trait: float,
    ) -> None:
        super().__init__(model)
        self.index = index
        self.name = name
        self.actor = actor  # a leader who never acts still sits, holds office and votes
        self.prestige = prestige  # legitimacy is ablated: prestige never moves
        self.seat = seat
        self.loyalty = loyalty  # a client's bond to his patron; 1 for a principal
        self.patron: Leader = self  # set by the model once every leader exists
        self.alive = True
        self.incapacitated = False
        self.in_party = True
        self.exiled = False
        self.rung = -1  # highest rung of the discipline ladder applied to him
        self.last_discipline = -100
        self.pretext = 0.0  # public evidence of factional activity
        self.faction = False
        self.real_power = 0.0
        self.led_bloc = False  # a contender: leads or has led a bloc, a rival to whoever would rule
        self.penitent_since = -1  # turn of his last recantation (-1 never)
        # Traits are ablated: every leader has the neutral value and no stigma.
        self.ambition = self.organization = self.oratory = trait
        self.cunning = self.arrogance = self.rigidity = trait
        self.stigma = 0.0
        self.plan: list[tuple[Verb, Leader | RegionalSecretary | None]] = []
        self._cleared: Verb | None = None
        self._principal_at_start = False
        # outcome records (turns, -1 never)
        self.lost_seat_at = -1  # his first loss of a leadership seat
        self.seat_lost_at = -1  # his latest loss of one (the plenum's re-seat bar)
        self.defeated_at: dict[Leader, int] = {}  # turn of his last failed motion, by target
        self.expelled_at = -1
        self.exiled_at = -1
        self.lost_office_at: dict[int, int] = {}

    # --- status -------------------------------------------------------------------------
    @property
    def present(self) -> bool:
        """Alive, in the party, capable and not in exile."""
        return self.alive and self.in_party and not self.incapacitated and not self.exiled

    @property
    def principal(self) -> bool:
        """A present bloc leader."""
        return self.patron is self and self.present

    @property
    def can_act(self) -> bool:
        return self.actor and self.present

    @property
    def seatable(self) -> bool:
        """Alive, a member and not in exile: he can hold a seat or an office (the
        incapacitated can)."""
        return self.alive and self.in_party and not self.exiled

    @property
    def on_probation(self) -> bool:
        """He recanted less than ``probation`` months ago."""
        since = self.penitent_since
        return since >= 0 and self.model.turn - since < self.model.params.probation

    @property
    def recently_dropped(self) -> bool:
        """He lost his leadership seat (the latest time) less than ``probation`` months
        ago."""
        since = self.seat_lost_at
        return since >= 0 and self.model.turn - since < self.model.params.probation

    def re_elected(self, drafter: Leader, strike: bool) -> bool:
        """Whether a congress re-elects him to the committee (or the control body) seat he
        sits in: his bloc's delegates name him again while his bloc leader is present,
        unless ``strike`` (the drafter's delegates are a majority) and his bloc stands
        opposite the drafter's (with alliances ablated, every other bloc does): the
        drafter's delegates strike his name."""
        bloc = self.patron
        return bloc.present and not (strike and bloc is not drafter.patron)

    def note_following(self, committee_votes: dict[Leader, int], at_start: bool) -> None:
        """A present principal with a following (present clients among the leaders,
        regional secretaries, or, ``at_start`` before the first month's decisions,
        committee seats the scenario gives him) or an organized faction is a contender;
        once a bloc leader, always a (former) one. Committee seats a congress hands him
        later do not make one. (Criticizing the line would too, but legitimacy is
        ablated.)"""
        if self.led_bloc or not self.principal:
            return
        m = self.model
        self.led_bloc = (
            self.faction
            or (at_start and committee_votes.get(self, 0) > 0)
            or any(x is not self and x.patron is self and x.present for x in m.leader_list)
            or any(g.bloc is self for g in m.secretary_list)
        )

    def power(self, kind: str) -> float:
        """The ``kind`` power of the offices he holds."""
        m = self.model
        return sum(
            m.facts.office_powers[o][kind]
            for o, holder in enumerate(m.office_holder)
            if holder is self
        )

    @property
    def force(self) -> float:
        """The force he commands: the police and army powers of the offices he holds (the
        man who holds the police or the army can arrest his rivals, and is feared for it)."""
        return self.power("police") + self.power("army")

    def lev(self, value: float) -> float:
        """Scale factor from a 0-1 quality: (1 - leverage) + leverage * value."""
        leverage = self.model.params.trait_leverage
        return (1.0 - leverage) + leverage * value

    # --- legality (read on the live state, as the engine's masks are) ------------------
    # The heuristic (``decide.best_actions``) scores recantation and win-over under the
    # same probation bars as ``decide.legal``: no second recantation, and no penitent won
    # over, while a probation runs.
    def may_recant(self) -> bool:
        m, p = self.model, self.model.params
        return (
            self.can_act
            and self.principal
            and self.rung >= 1
            and not self.on_probation  # once a probation: no second recantation in it
            and self.real_power < p.recant_threshold
            and not self.exiled
            and sum(1 for x in m.leader_list if x.principal) > 1
        )

    def may_win_over(self, target: Leader) -> bool:
        m = self.model
        return (
            self.can_act
            and self.principal
            and target is not self
            and target.patron is not self.patron
            and target.present
            and target.actor
            and not target.on_probation  # a penitent on probation is nobody's client
            and m.holds_post(target)
            and not m.has_present_clients(target)
        )

    def may_appoint(self, region: RegionalSecretary, power: float | None = None) -> bool:
        """``power``: his appointment power, if already known."""
        if power is None:
            power = self.power("appointment")
        if not (self.can_act and power > 0):
            return False
        mine = region.bloc is self.patron
        return not (mine and region.loyalty >= self.model.params.secure_loyalty)

    def may_organize(self) -> bool:
        return self.can_act and self.principal and not self.faction

    def may_discipline(self, target: Leader) -> bool:
        m, p = self.model, self.model.params
        if not (self.can_act and self.principal and self.seat == SEAT_FULL):
            return False
        if target is self or target.patron is self.patron:
            return False
        k = m.next_rung(target)
        if k < 0 or m.turn - target.last_discipline < p.discipline_cooldown:
            return False
        if not target.alive or target.incapacitated:
            return False
        return self.backed(k)

    def backed(self, k: int) -> bool:
        """Whether the holders of the powers rung ``k`` needs (e.g. the police for an
        exile) are on his side."""
        m = self.model
        for kind in m.facts.ladder[k].backing:
            for o, powers in enumerate(m.facts.office_powers):
                if powers[kind] < m.params.backing_threshold:
                    continue
                holder = m.office_holder[o]
                if holder is not None and holder.patron is not self.patron:
                    return False
        return True

    def legal(self, verb: Verb, target: Leader | RegionalSecretary | None) -> bool:
        if verb == Verb.RECANT:
            return self.may_recant()
        if verb == Verb.WIN_OVER:
            return isinstance(target, Leader) and self.may_win_over(target)
        if verb == Verb.APPOINT:
            return isinstance(target, RegionalSecretary) and self.may_appoint(target)
        if verb == Verb.ORGANIZE_FACTION:
            return self.may_organize()
        return isinstance(target, Leader) and self.may_discipline(target)

    # --- the heuristic ------------------------------------------------------------------
    def decide(self) -> None:
        """Score every verb on its best legal target, add bounded-rationality taste, and
        keep the best ``actions_per_month`` that beat doing nothing."""
        self.plan = []
        if not self.can_act:
            return
        m, p = self.model, self.model.params
        options: list[tuple[float, int, Verb, Leader | RegionalSecretary | None]] = []
        for verb, (score, target) in self.best_actions().items():
            taste = m.random.random()
            noisy = score * (1.0 + p.decision_noise * (2.0 * taste - 1.0))
            if noisy > p.heuristic.pass_score:
                options.append((-noisy, int(verb), verb, target))
        options.sort(key=lambda option: (option[0], option[1]))
        self.plan = [(verb, target) for _, _, verb, target in options[: p.actions_per_month]]

    def best_actions(self) -> dict[Verb, tuple[float, Leader | RegionalSecretary | None]]:
        """Each verb with a legal target: its best score and target (first on ties)."""
        found: dict[Verb, tuple[float, Leader | RegionalSecretary | None]] = {}
        for verb, scorer in (
            (Verb.RECANT, self._score_recant),
            (Verb.WIN_OVER, self._score_win_over),
            (Verb.APPOINT, self._score_appoint),
            (Verb.ORGANIZE_FACTION, self._score_faction),
            (Verb.MOVE_DISCIPLINE, self._score_discipline),
        ):
            best = scorer()
            if best is not None:
                found[verb] = best
        return found

    def _score_recant(self) -> tuple[float, None] | None:
        """Recant when beaten: the flexible and less ambitious submit."""
        if not self.may_recant():
            return None
        p = self.model.params
        beaten = (self.rung + 1) / max(len(self.model.facts.ladder), 1)
        score = (
            p.heuristic.recant
            * ((1.0 - self.rigidity) * (1.0 - p.trait_leverage * self.ambition))
            * beaten
        )
        return score, None

    def _score_win_over(self) -> tuple[float, Leader] | None:
        """Win over the unattached who hold seats or offices, if one looks stronger than
        their present patron."""
        m, p = self.model, self.model.params
        h = p.heuristic
        if not (self.can_act and self.principal):
            return None
        best: tuple[float, Leader] | None = None
        for target in m.leader_list:
            if not self.may_win_over(target):
                continue
            if target.seat == SEAT_FULL:
                value = 1.0
            elif target.seat == SEAT_CANDIDATE:
                value = h.candidate_value
            else:
                value = h.outsider_value
            pull = self.real_power - target.patron.real_power
            feasible = clip(
                h.win_over_base + h.win_over_pull * pull - p.trait_leverage * target.ambition,
                0.0,
                1.0,
            )
            score = h.win_over * (self.ambition * self.cunning) * value * feasible
            if best is None or score > best[0]:
                best = (score, target)
        return best

    def _score_appoint(self) -> tuple[float, RegionalSecretary] | None:
        """Protect and extend one's base: replace secretaries in heavy regions."""
        m = self.model
        h = m.params.heuristic
        power = self.power("appointment")
        if not (self.can_act and power > 0):
            return None
        weight = m.survey.region_weight
        best: tuple[float, RegionalSecretary] | None = None
        for region in m.secretary_list:
            if not self.may_appoint(region, power):
                continue
            hold = region.loyalty if region.bloc is self.patron else 0.0
            score = (
                h.appoint
                * power
                * (self.lev(self.organization) * self.ambition)
                * weight[region.index]
                * (1.0 - hold)
            )
            if best is None or score > best[0]:
                best = (score, region)
        return best

    def _score_faction(self) -> tuple[float, None] | None:
        """Organize a faction in opposition to a line one stands far from. With policy
        ablated every leader stands on the line, so the score is always zero."""
        if not self.may_organize():
            return None
        m = self.model
        h = m.params.heuristic
        survey = m.survey
        ruling = {b for b, votes in survey.lead_votes.items() if votes / survey.total_lead > 0.5}
        in_opposition = bool(ruling) and self.patron not in ruling
        line_distance = 0.0  # policy is ablated
        ban = 0.0  # faction_ban is ablated
        score = (
            h.organize_faction
            * self.ambition
            * self.organization
            * in_opposition
            * (line_distance > h.faction_line_gap)
            * (1.0 - h.ban_deterrence * ban * (1.0 - self.rigidity))
        )
        return score, None

    def _score_discipline(self) -> tuple[float, Leader] | None:
        """Discipline only rivals, only with a majority in hand (forecast with the vote
        model itself, misjudged without information), only against a target with evidence
        against him (``heuristic.motion_case``), and beyond a censure only when the case
        is made (his coalition's slate would not keep the target)."""
        m, p = self.model, self.model.params
        h = p.heuristic
        if not (self.can_act and self.principal and self.seat == SEAT_FULL):
            return None
        survey = m.survey
        threat = m.main_threat(self.patron)
        ambitious = self.ambition >= p.ambition_threshold
        best: tuple[float, Leader] | None = None
        for target in m.leader_list:
            if not self.may_discipline(target):
                continue
            is_threat = target is threat
            score = 0.0
            if (is_threat or target.rung >= 0) and ambitious:  # hostile
                rung = m.facts.ladder[m.next_rung(target)]
                # a defeat is remembered until a plenum has met since
                remembered = self.defeated_at.get(target, -1) >= m.last_plenum
                # beyond a censure the case must be made: his coalition's slate would
                # leave the target off (the plenum's cost of exclusion)
                case = rung.effect == "censure" or (
                    target.keep_value(survey.share("committee", self.patron), survey.comm_votes)
                    <= p.inclusion_cost
                )
                # discipline answers a breach: without evidence (his pretext; material
                # is the information mechanism's, outside the core) no motion is moved
                case = case and target.pretext >= h.motion_case
                if case and not remembered and self.in_hand(rung, target):
                    score = (
                        h.discipline
                        * (self.ambition * self.lev(self.cunning))
                        * (1.0 + target.pretext)
                        * (1.0 if is_threat else h.discipline_bystander)
                    )
            if best is None or score > best[0]:
                best = (score, target)
        return best

    def in_hand(self, rung: Rung, target: Leader) -> bool:
        """Whether he expects a motion of ``rung`` against ``target`` to pass with his
        margin of caution: the body's vote forecast by the model's own vote model (each
        voter's chance of a yes, as the tally would weigh this month's motion), with his
        misjudgement."""
        m = self.model
        h = m.params.heuristic
        expected = m.forecast(rung, m.motion(self, target, m.survey.seen))
        # information is ablated: every leader misjudges at the full rate
        misjudge = h.misjudgement * (m.random.random() - 0.5)
        margin = h.caution * (1.0 - self.cunning)
        return expected + misjudge > rung.quota + margin

    # --- carrying out -------------------------------------------------------------------
    def open_verb(self, verb: Verb) -> None:
        """At the start of ``verb``'s turn in the month: is my chosen action of this verb
        legal on the state the earlier verbs left?"""
        self._principal_at_start = self.patron is self
        self._cleared = None
        for chosen, target in self.plan:
            if chosen == verb and self.legal(verb, target):
                self._cleared = verb

    def carry_out(self, verb: Verb) -> None:
        """Carry out my action of ``verb``, if it is still mine to take."""
        if self._cleared != verb:
            return
        m = self.model
        target = next(t for v, t in self.plan if v == verb)
        if self._principal_at_start and self.patron is not self:
            return  # he submitted earlier this month and no longer acts for a bloc
        if not (self.in_party and self.alive):
            return
        if verb in CLAIMING:
            assert isinstance(target, Leader)
            if target in m.claimed or target.exiled or not target.alive:
                return
            m.claimed.add(target)
        if verb == Verb.RECANT:
            self.recant()
        elif verb == Verb.WIN_OVER:
            assert isinstance(target, Leader)
            self.win_over(target)
        elif verb == Verb.APPOINT:
            assert isinstance(target, RegionalSecretary)
            self.appoint(target)
        elif verb == Verb.ORGANIZE_FACTION:
            self.faction = True
        else:
            assert isinstance(target, Leader)
            m.move_discipline(self, target)

    def recant(self) -> None:
        """Recant: dissolve one's bloc and go on probation (nobody's client, the evidence
        kept, off the slates for ``probation`` months)."""
        m = self.model
        m.release_bloc(self)
        self.penitent_since = m.turn
        if not self.in_party and not self.exiled:
            self.in_party = True  # an expelled man who recants is readmitted

    def win_over(self, target: Leader) -> None:
        """Make ``target`` a client if one looks stronger than his present patron."""
        p = self.model.params
        current = target.patron
        pull = self.real_power - current.real_power
        bond = p.independence_bond * target.loyalty if current is target else target.loyalty
        resistance = (bond + target.ambition) / 3  # policy distance is zero
        chance = clip(
            p.win_over_base
            + p.win_over_pull * pull * self.lev(self.cunning)
            - p.win_over_resistance * resistance,
            0.0,
            p.win_over_cap,
        )
        if self.model.random.random() < chance:
            target.patron = self.patron
            target.loyalty = p.won_over_loyalty

    def appoint(self, region: RegionalSecretary) -> None:
        """Try to install a client of one's bloc as the region's secretary; an
        entrenched local machine resists."""
        p = self.model.params
        power = clip(self.power("appointment"), 0.0, 1.0)
        chance = p.appointment_success * power * self.lev(self.organization)
        chance = chance * (1.0 - p.entrenchment * region.strength_against(self))
        if self.model.random.random() < chance:
            region.patron = self.patron
            region.loyalty = p.appointee_loyalty

    # --- the plenum's slate --------------------------------------------------------------
    def keep_value(self, share: float, committee_votes: dict[Leader, int]) -> float:
        """What leaving him off the slate would cost a majority holding ``share`` of the
        committee: ``exclusion_cost`` x (prestige + following), less what his pretext
        takes off as far as the margin carries the case (only against a man of a bloc
        that leads or led one)."""
        m, p = self.model, self.model.params
        bloc = self.patron
        following = committee_votes.get(bloc, 0) / max(len(m.committee), 1) if bloc is self else 0.0
        margin = clip(2.0 * share - 1.0, 0.0, 1.0) if bloc.led_bloc else 0.0
        stature = self.prestige + following
        return p.exclusion_cost * stature * (1.0 - self.pretext * margin)

    def slate_place(
        self, drafter: Leader, share: float, committee_votes: dict[Leader, int]
    ) -> tuple[float, float]:
        """His place on the slate of ``drafter``'s coalition: (for a full seat, for a
        candidate seat), -inf where he is not on it. Members of the coalition first (its
        leader, then its clients), then outsiders worth keeping, a sitting member
        preferred; an outsider almost worth keeping is demoted to candidate."""
        p = self.model.params
        off = -math.inf
        if not self.seatable:
            return off, off
        seat = self.seat
        incumbent = seat != SEAT_NONE
        if not (self.present and self.actor):
            # the incapacitated, and leaders who do not act, keep the seat they have
            if seat == SEAT_FULL:
                return SECURE, off
            return (off, SECURE) if incumbent else (off, off)
        if not incumbent and (self.on_probation or self.recently_dropped):
            return off, off
        bonus = p.incumbency_bonus * (1.0 if seat == SEAT_FULL else 0.5 if incumbent else 0.0)
        if incumbent and not share > 0.5:  # no majority to drop anyone
            if seat == SEAT_FULL:
                return SECURE + self.prestige, off
            # a candidate may still be promoted to a vacant full seat
            own = 2.0 if self.patron is drafter.patron else 1.0
            return own + self.prestige + bonus, SECURE + self.prestige
        if self.patron is drafter.patron:
            if self.patron is self:
                return 4.0 + self.prestige, off
            full = 2.0 + self.prestige + bonus
            return full, full
        keep = self.keep_value(share, committee_votes)
        if keep > p.inclusion_cost:
            return (
                (3.0 if seat == SEAT_FULL else 1.0) + self.prestige + bonus,
                (3.0 if incumbent else 1.0) + self.prestige + bonus,
            )
        if seat == SEAT_FULL and keep > 0.5 * p.inclusion_cost:
            # demoted; a candidate the slate would not keep is dropped
            return off, 3.0 + keep
        return off, off

    # --- voting -------------------------------------------------------------------------
    def support(self, motion: Motion) -> float:
        """How much he favours a disciplinary motion before his idiosyncratic noise (what
        any forecaster can know): his bloc's cause, fear of the stronger side and the case
        against the target; the mover is for it and the target against it whatever."""
        if self is motion.mover:
            return math.inf
        if self is motion.target:
            return -math.inf
        p = self.model.params
        mover, target = motion.mover, motion.target
        with_mover = 1.0 if mover is not None and self.patron is mover.patron else 0.0
        with_target = 1.0 if self.patron is target.patron else 0.0
        utility = p.vote_loyalty_weight * self.loyalty * (with_mover - with_target)
        # perception is ablated: everyone fears the sides' real power (with it on, the
        # engine's voter sees it as far as his information and what public votes have
        # revealed carry him, and the seen stature beyond)
        fear_mover = mover.real_power if mover is not None else 0.0
        utility += p.vote_fear_weight * (fear_mover - target.real_power)
        return utility + motion.case

    def supports(self, motion: Motion) -> bool:
        """How he votes on a disciplinary motion: his support and his noise."""
        if self is motion.mover:
            return True
        if self is motion.target:
            return False
        noise = self.model.params.vote_noise * logistic_noise(self.model.random.random())
        return self.support(motion) + noise > 0

    def chance_of_yes(self, motion: Motion) -> float:
        """The chance that he votes for ``motion`` (:meth:`supports` with its noise at
        its expected value)."""
        if self is motion.mover:
            return 1.0
        if self is motion.target:
            return 0.0
        return chance(self.support(motion), self.model.params.vote_noise)

    # --- drift --------------------------------------------------------------------------
    def drift_loyalty(self) -> None:
        """Clients of a strong patron grow more loyal; clients of a fading one less."""
        p = self.model.params
        if self.patron is self:
            self.loyalty = 1.0
            return
        self.loyalty = clip(
            self.loyalty + p.loyalty_drift * (self.patron.real_power - p.loyalty_floor),
            p.loyalty_floor,
            1.0,
        )

    def fade_evidence(self) -> None:
        """Old evidence fades (no ban: an organized faction leaves none)."""
        self.pretext = clip(self.pretext * (1.0 - self.model.params.pretext_decay), 0.0, 1.0)


class RegionalSecretary(mesa.Agent):
    """The secretary of one region: whose client he is, how loyal, and the region's
    membership by cohort (veterans and intakes)."""

    model: PolitburoModel

    def __init__(
        self,
        model: PolitburoModel,
        index: int,
        name: str,
        members: tuple[float, ...],
        patron: Leader | None,
        loyalty: float,
    ) -> None:
        super().__init__(model)
        self.index = index
        self.name = name
        self.members = list(members)
        self.patron = patron
        self.loyalty = loyalty

    @property
    def bloc(self) -> Leader | None:
        """The bloc leader he answers to."""
        return None if self.patron is None else self.patron.patron

    @property
    def total(self) -> float:
        return pairwise_sum(self.members)

    def admit(self, cohort: int, count: float) -> None:
        """New members join (recruitment is ablated: they owe their card to no one)."""
        self.members[cohort] += count

    def grow(self) -> None:
        """Veteran cohorts grow slowly by ordinary admissions."""
        growth = 1.0 + self.model.params.membership_growth
        for c, intake in enumerate(self.model.facts.intake_cohort):
            if not intake:
                self.members[c] *= growth

    def firm_up(self, winner: Leader | None) -> None:
        """A secretary grows into his post while his patron's side holds: loyalty firms
        up. If another bloc, ``winner``, commands the committee, it ebbs instead, and at
        none he answers to the winner."""
        p = self.model.params
        if self.patron is None:
            self.loyalty = 0.0
        elif winner is None or self.bloc is winner.patron:
            self.loyalty = min(1.0, self.loyalty + p.secretary_loyalty_growth)
        else:
            self.loyalty = max(0.0, self.loyalty - p.secretary_desertion)
            if self.loyalty <= 0.0:
                self.patron = winner
                self.loyalty = p.appointee_loyalty

    def strength_against(self, appointer: Leader) -> float:
        """How firmly his machine holds the region against ``appointer``: his loyalty
        times his bloc leader's protection (1 with a full leadership seat, 0.5 with a
        candidate seat or committee seats of his bloc's, 0 otherwise). Only the appointer's
        own bloc's machine, or one whose leader is gone, gives way (0)."""
        bloc = self.bloc
        if bloc is None or not bloc.present or bloc.patron is appointer.patron:
            return 0.0
        m = self.model
        if bloc.seat == SEAT_FULL:
            protection = 1.0
        elif bloc.seat == SEAT_CANDIDATE or any(
            seat is not None and seat.patron is bloc for seat in m.committee
        ):
            protection = 0.5
        else:
            protection = 0.0
        return self.loyalty * protection

    def influence(self) -> float:
        """Share of his region's delegation he shapes."""
        bloc = self.bloc
        if bloc is None or not bloc.present:
            return 0.0
        return self.model.params.secretary_influence * self.loyalty

    def send_delegates(
        self, count: int, veteran_lean: list[tuple[Leader, float]]
    ) -> list[Delegate]:
        """Elect ``count`` delegates to the congress; each picks his side."""
        intake = self.model.facts.intake_cohort
        veterans = sum(n for n, new in zip(self.members, intake, strict=True) if not new)
        veteran_share = veterans / max(self.total, 1e-9)
        influence = self.influence()
        delegates = [Delegate(self.model, self) for _ in range(count)]
        for delegate in delegates:
            delegate.choose_side(influence, veteran_share, veteran_lean)
        return delegates


class Delegate(mesa.Agent):
    """A delegate to one congress: shaped by his secretary, or following the veterans'
    lean; intake members owe no one (recruitment is ablated) and stay uncommitted."""

    model: PolitburoModel

    def __init__(self, model: PolitburoModel, region: RegionalSecretary) -> None:
        super().__init__(model)
        self.region = region
        self.bloc: Leader | None = None

    def choose_side(
        self, influence: float, veteran_share: float, veteran_lean: list[tuple[Leader, float]]
    ) -> None:
        rng = self.model.random
        if rng.random() < influence:
            self.bloc = self.region.bloc
            return
        draw = rng.random()
        cumulative = 0.0
        for leader, share in veteran_lean:
            cumulative += veteran_share * share
            if draw < cumulative:
                self.bloc = leader
                return

    def votes_for_report(
        self, coalition: set[Leader], opposition: set[Leader], lean: float
    ) -> bool:
        """The report's side, the opposition's, or (uncommitted, or a bloc outside both)
        with the side that looks stronger."""
        if self.bloc in coalition:
            return True
        if self.bloc in opposition:
            return False
        return self.model.random.random() < lean

    def slate_weight(self, coalition: set[Leader]) -> float:
        """Weight on the slate: the drafter's coalition is favoured."""
        return 1.0 + self.model.params.slate_bonus * (self.bloc in coalition)
