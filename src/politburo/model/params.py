"""Mechanism constants: one documented default set, shared by every scenario.

These are *global* parameters of the rules, not facts about a regime. Changing one to
make a single scenario come out "right" is a defect; calibration is a separate,
re-runnable procedure that writes a parameters file (see ``Parameters.from_file``).
The free parameters of :data:`politburo.studies.calibration.FREE_PARAMETERS` hold the values of
the fourth joint calibration, of 3 December 2026 (ussr-1922 with ussr-1953),
adopted by its rule (lower fitted loss, no scenario's held-out error worse) and rounded
to three significant figures: see ``docs/calibration.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class HeuristicWeights(BaseModel):
    """Appetites of the heuristic decision policy: how much a leader wants each kind of
    action, before his traits and situation scale it. An action is taken when its score
    beats ``pass_score``."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    pass_score: float = Field(0.0604, ge=0, description="Score of doing nothing.")
    appoint: float = Field(0.9, ge=0, description="Appetite for placing clients in regions.")
    recruit: float = Field(0.3, ge=0, description="Appetite for local recruitment.")
    alliance: float = Field(1.15, ge=0, description="Appetite for alliances against a threat.")
    alliance_fear: float = Field(2.0, ge=0, description="Extra appetite per unit of fear.")
    alliance_partial: float = Field(
        0.3, ge=0, description="Appetite for allying within one's camp without fear of its enemy."
    )
    break_alliance: float = Field(1.0, ge=0, description="Appetite for ending an alliance.")
    break_threshold: float = Field(0.4, ge=0, description="Reluctance to break an alliance.")
    attack: float = Field(0.8, ge=0, description="Appetite for polemics against the threat.")
    polemic_case: float = Field(
        0.472,
        ge=0,
        le=1,
        description="How far polemics wait for a case: the appetite is scaled by "
        "(1 - polemic_case) + polemic_case * min(1, target's pretext + attacker's material).",
    )
    defend_line: float = Field(0.5, ge=0, description="Appetite for defending the line.")
    line_tolerance: float = Field(
        0.5, gt=0, le=1, description="Distance from the line at which defending it stops paying."
    )
    criticize_line: float = Field(2.4, ge=0, description="Appetite for attacking the line.")
    appeal: float = Field(0.35, ge=0, description="Appetite for appeals to the rank and file.")
    gather_material: float = Field(0.5, ge=0, description="Appetite for compromising material.")
    organize_faction: float = Field(0.9, ge=0, description="Appetite for organizing a faction.")
    faction_line_gap: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Distance from the line below which no one goes into opposition.",
    )
    ban_deterrence: float = Field(
        0.7, ge=0, le=1, description="How much a faction ban deters the flexible from organizing."
    )
    calm_opposition: float = Field(
        0.496,
        ge=0,
        le=1,
        description="Factor on the appetite for open opposition (criticizing the line, "
        "organizing a faction) under a faction ban while no crisis is running: an "
        "opposition waits for a crisis that discredits the line.",
    )
    shift_position: float = Field(0.8, ge=0, description="Appetite for moving one's position.")
    propose_policy: float = Field(0.7, ge=0, description="Appetite for moving the line.")
    policy_minority: float = Field(
        0.3, ge=0, le=1, description="Factor on that appetite without a majority in hand."
    )
    discipline: float = Field(1.0, ge=0, description="Appetite for disciplinary motions.")
    motion_case: float = Field(
        0.183,
        ge=0,
        le=2,
        description="Evidence (target's pretext + mover's material) below which no one moves "
        "a disciplinary motion: discipline answers a breach.",
    )
    discipline_bystander: float = Field(
        0.7, ge=0, le=1, description="Factor for pursuing a beaten rival who is not the threat."
    )
    misjudgement: float = Field(
        0.15, ge=0, description="Error in forecasting a vote without information."
    )
    caution: float = Field(0.05, ge=0, description="Margin the incautious fail to keep.")
    win_over: float = Field(0.8, ge=0, description="Appetite for winning over clients.")
    win_over_base: float = Field(0.2, ge=0, le=1, description="Expected feasibility at even pull.")
    win_over_pull: float = Field(3.0, ge=0, description="Feasibility per unit of pull.")
    candidate_value: float = Field(
        0.5, ge=0, le=1, description="Worth of winning a candidate member (a full member: 1)."
    )
    outsider_value: float = Field(
        0.3, ge=0, le=1, description="Worth of winning a leader without a seat."
    )
    recant: float = Field(2.55, ge=0, description="Appetite for recanting when beaten.")


class Parameters(BaseModel):
    """Every mechanism constant, with its default and what it does."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    heuristic: HeuristicWeights = Field(
        default_factory=HeuristicWeights, description="Weights of the heuristic decision policy."
    )

    # --- decisions ----------------------------------------------------------------------
    actions_per_month: int = Field(2, ge=1, le=6, description="Action budget of a leader.")
    decision_noise: float = Field(
        0.487,
        ge=0,
        description="Scale of random taste added to action scores (bounded rationality).",
    )
    ambition_threshold: float = Field(
        0.35, ge=0, le=1, description="Below this ambition a leader never moves discipline."
    )

    # --- appointment --------------------------------------------------------------------
    appointment_success: float = Field(
        0.797,
        ge=0,
        le=1,
        description="Chance an appointment with full power and organization replaces a secretary.",
    )
    appointee_loyalty: float = Field(0.75, ge=0, le=1, description="Loyalty of a new appointee.")
    entrenchment: float = Field(
        0.9,
        ge=0,
        le=1,
        description="How far an entrenched local machine (a loyal secretary whose bloc leader "
        "sits in the leadership) cuts the chance of replacing its secretary.",
    )
    secretary_loyalty_growth: float = Field(
        0.01, ge=0, le=1, description="Monthly growth of a secretary's loyalty to his patron."
    )
    secretary_desertion: float = Field(
        0.0428,
        ge=0,
        le=1,
        description="Monthly loss of a secretary's loyalty while another coalition, not his "
        "patron's, commands the committee; at none he answers to that coalition.",
    )
    secretary_influence: float = Field(
        0.6, ge=0, le=1, description="Share of a delegation a fully loyal secretary shapes."
    )

    # --- recruitment --------------------------------------------------------------------
    recruit_action_members: float = Field(
        0.01, ge=0, description="A recruitment action adds this share of a region's membership."
    )
    intake_machine_share: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Share of an intake owing the recruiting machine (the rest owe no one).",
    )
    recruitment_local_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of an intake's debt owed to the region's secretary (rest: the centre).",
    )
    membership_growth: float = Field(
        0.002, ge=0, description="Monthly natural growth of veteran cohorts."
    )

    # --- votes --------------------------------------------------------------------------
    vote_loyalty_weight: float = Field(2.64, ge=0, description="Pull of a patron's instruction.")
    vote_policy_weight: float = Field(1.0, ge=0, description="Pull of policy agreement.")
    vote_prestige_weight: float = Field(1.25, ge=0, description="Pull of a target's prestige.")
    vote_fear_weight: float = Field(
        0.776, ge=0, description="Pull toward the side seen as stronger."
    )
    vote_stigma_weight: float = Field(0.8, ge=0, description="Push against a stigmatised target.")
    vote_pretext_weight: float = Field(
        0.8, ge=0, description="Push against a target caught in factional activity."
    )
    vote_noise: float = Field(0.125, ge=0, description="Idiosyncratic noise of a leader's vote.")
    seat_vote_noise: float = Field(
        0.5, ge=0, description="Idiosyncratic noise of an uncommitted committee member's vote."
    )
    vote_alliance_share: float = Field(
        0.7, ge=0, le=1, description="Pull of an ally's cause relative to one's own bloc's."
    )
    vote_policy_reference: float = Field(
        0.25, ge=0, le=1, description="Policy distance at which a target is neither near nor far."
    )
    vote_arrogance_weight: float = Field(0.4, ge=0, description="Push against an arrogant target.")
    plenum_prestige: float = Field(
        0.5, ge=0, le=1, description="Standing of a motion put by the plenum itself (no mover)."
    )
    unbanned_evidence_weight: float = Field(
        0.3,
        ge=0,
        le=1,
        description="How much factional activity counts against a leader when factions are legal.",
    )
    vote_collegiality: float = Field(
        1.5, ge=0, description="Reluctance to punish a comrade: a push against any discipline."
    )
    defection_rate: float = Field(
        0.00691, ge=0, le=1, description="Scale of a client's chance to vote against his patron."
    )

    # --- congress (circular flow) -------------------------------------------------------
    slate_bonus: float = Field(
        1.0, ge=0, description="Extra weight of the slate-drafter's coalition in CC elections."
    )
    member_lean_temperature: float = Field(
        0.25, gt=0, description="How sharply veteran members prefer the most attractive leader."
    )
    member_stigma_weight: float = Field(0.5, ge=0, description="Members' aversion to stigma.")
    member_arrogance_weight: float = Field(0.2, ge=0, description="Members' aversion to arrogance.")
    member_policy_weight: float = Field(
        0.5, ge=0, description="Members' aversion to a leader far from the line."
    )
    condemnation_pretext: float = Field(
        0.2, ge=0, le=1, description="Evidence against an opposition a congress condemns."
    )
    uncommitted_share: float = Field(
        0.35, ge=0, le=1, description="Share of veteran members who follow no leader."
    )

    # --- information ---------------------------------------------------------------------
    vote_revelation: float = Field(
        0.756,
        ge=0,
        le=1,
        description="Share of what the public does not know of a bloc's real power that one "
        "public vote (a motion's roll call, a congress's report vote) reveals.",
    )
    detection_rate: float = Field(
        0.35,
        ge=0,
        le=1,
        description="Monthly chance full information detects an organized faction.",
    )
    material_gain: float = Field(
        0.15, ge=0, description="Material gathered per action at full info."
    )
    detection_pretext: float = Field(
        0.3, ge=0, le=1, description="Evidence against a faction leader when his faction is found."
    )
    material_decay: float = Field(0.03, ge=0, le=1, description="Monthly decay of material.")

    # --- faction ban ---------------------------------------------------------------------
    faction_coordination: float = Field(
        0.25, ge=0, description="Boost an organized faction gives its leader's appeal to members."
    )
    faction_ban_penalty: float = Field(
        0.5, ge=0, le=1, description="Share of that boost lost when factions are banned."
    )
    pretext_decay: float = Field(0.05, ge=0, le=1, description="Monthly decay of a pretext.")
    faction_visibility: float = Field(
        0.0949, ge=0, le=1, description="Monthly evidence an organized faction leaves under a ban."
    )

    # --- legitimacy ----------------------------------------------------------------------
    prestige_drift: float = Field(
        0.02, ge=0, le=1, description="Monthly pull of prestige back toward its starting level."
    )
    attack_effect: float = Field(
        0.0375, ge=0, description="Prestige an attack removes at full oratory."
    )
    attack_backlash: float = Field(
        0.0117, ge=0, description="Prestige an arrogant attacker loses among members."
    )
    line_defence_gain: float = Field(0.02, ge=0, description="Prestige from defending the line.")
    line_criticism_cost: float = Field(
        0.03, ge=0, description="Prestige lost by attacking the line (and the apparatus)."
    )
    funeral_orator_gain: float = Field(0.1, ge=0, description="Prestige of a funeral orator.")
    funeral_absence_cost: float = Field(0.1, ge=0, description="Prestige lost by staying away.")
    defeat_cost: float = Field(0.08, ge=0, description="Prestige lost by losing a vote one moved.")
    censure_cost: float = Field(0.06, ge=0, description="Prestige lost by being censured.")
    appeal_gain: float = Field(0.02, ge=0, description="Prestige from a rank-and-file appeal.")
    appeal_standing_gain: float = Field(
        0.05,
        ge=0,
        description="Standing among members from an appeal or a critique, at full oratory.",
    )
    appeal_decay: float = Field(0.05, ge=0, le=1, description="Monthly fading of that standing.")
    criticism_pretext: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Evidence of factionalism from criticizing the line under a ban.",
    )

    # --- alliances -----------------------------------------------------------------------
    alliance_policy_tolerance: float = Field(
        1.0, ge=0, description="Policy distance a flexible leader accepts in an ally."
    )
    threat_stature_weight: float = Field(
        0.5, ge=0, description="Weight of a rival's visible stature in how much he is feared."
    )
    threat_policy_weight: float = Field(
        3.11, ge=0, description="How much policy distance adds to fear of a rival."
    )
    threat_force_weight: float = Field(
        1.28,
        ge=0,
        description="How much the force a rival commands (police and army powers of his "
        "offices) adds to fear of him.",
    )
    ally_threat_discount: float = Field(
        0.5, ge=0, le=1, description="Factor on the fear of a rival who is an ally."
    )
    alliance_common_enemy_bonus: float = Field(
        1.0, ge=0, description="Worth of an offer from one's own camp, against the policy gap."
    )
    alliance_arrogance_cost: float = Field(
        0.3, ge=0, description="Penalty of an arrogant proposer."
    )
    alliance_noise: float = Field(0.5, ge=0, description="Noise in accepting an alliance.")
    threat_switch: float = Field(
        1.62,
        ge=1,
        description="How much more feared than the common threat another contender must be "
        "before the front turns against him.",
    )
    win_over_base: float = Field(0.3, ge=0, le=1, description="Base chance of winning a client.")
    win_over_pull: float = Field(
        1.5,
        ge=0,
        description="Chance gained per unit the recruiter looks stronger than the patron.",
    )
    win_over_resistance: float = Field(
        1.0, ge=0, description="Chance lost to the target's loyalty, ambition and policy distance."
    )
    win_over_cap: float = Field(0.6, ge=0, le=1, description="Highest chance of winning a client.")
    won_over_loyalty: float = Field(0.6, ge=0, le=1, description="Loyalty of a new client.")
    loyalty_drift: float = Field(
        0.02, ge=0, description="Monthly change of client loyalty per unit of patron power."
    )
    loyalty_floor: float = Field(
        0.2, ge=0, le=1, description="Lowest loyalty; also the patron power that keeps it steady."
    )
    alliance_break_power: float = Field(
        0.5,
        ge=0,
        le=1,
        description="An ally whose perceived power passes this share becomes a threat.",
    )

    # --- discipline ----------------------------------------------------------------------
    discipline_cooldown: int = Field(
        5,
        ge=0,
        description="Months before the next rung may be moved against the same target.",
    )
    censure_pretext: float = Field(
        0.1, ge=0, le=1, description="Evidence a censure adds against its target."
    )
    nominee_client_bonus: float = Field(
        0.4, ge=0, description="Preference for a client over a principal when filling a post."
    )
    nominee_office_penalty: float = Field(
        0.3, ge=0, description="Preference against a nominee per office he already holds."
    )
    backing_threshold: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Power (e.g. police) from which the holder must back a rung needing it.",
    )
    secure_loyalty: float = Field(
        0.9, ge=0, le=1, description="Loyalty above which a secretary needs no replacing."
    )
    independence_bond: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Bond of an unattached leader to his independence, as a share of loyalty.",
    )
    bandwagon: float = Field(
        1.0, ge=0, description="How far neutral delegates lean to the side that looks stronger."
    )
    recant_threshold: float = Field(
        0.08, ge=0, le=1, description="Real power below which a flexible loser may recant."
    )
    probation: int = Field(
        24,
        ge=0,
        le=1200,
        description="Months a leader who recanted (or lost his leadership seat) stays off the "
        "slates for new seats (and, having recanted, offices).",
    )

    # --- plenums -------------------------------------------------------------------------
    plenum_interval: int = Field(
        3,
        ge=1,
        le=1200,
        description="Months between plenums of the committee (one also follows every "
        "congress): central committees of this kind met about quarterly.",
    )
    exclusion_cost: float = Field(
        0.553,
        ge=0,
        description="What leaving an outsider off the leadership slate costs the majority, per "
        "unit of his prestige and following (before his pretext and its margin discount it).",
    )
    inclusion_cost: float = Field(
        0.5,
        ge=0,
        description="What a seat or office given to a rival costs the majority: it keeps a "
        "rival only while excluding him would cost more.",
    )
    incumbency_bonus: float = Field(
        0.3, ge=0, description="Preference of a slate for the sitting holder of a seat."
    )

    # --- policy --------------------------------------------------------------------------
    position_shift: float = Field(0.15, ge=0, le=2, description="Step of a position shift.")
    line_shift: float = Field(0.2, ge=0, le=2, description="Step of a policy motion that passes.")
    policy_vote_scale: float = Field(
        4.0, ge=0, description="Weight of a policy move's effect on a voter's own position."
    )
    policy_defeat_share: float = Field(
        0.5, ge=0, le=1, description="Share of the defeat cost paid for a rejected policy motion."
    )
    crisis_line_push: float = Field(
        0.05, ge=0, description="Monthly move of the line under a running crisis (per unit push)."
    )
    crisis_side_sharpness: float = Field(
        3.0, gt=0, description="How sharply a crisis sorts leaders into right and wrong sides."
    )
    crisis_prestige: float = Field(
        0.03, ge=0, description="Monthly prestige change from being on the right side of a crisis."
    )

    # --- traits --------------------------------------------------------------------------
    neutral_trait: float = Field(0.5, ge=0, le=1, description="Trait value when traits are off.")

    # --- shared shapes ------------------------------------------------------------------
    trait_leverage: float = Field(
        0.5,
        ge=0,
        le=1,
        description="How far a trait scales an effect: factor = (1 - leverage) + leverage * trait.",
    )

    # --- power ---------------------------------------------------------------------------
    leadership_power_weight: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Weight of the leadership body in real power (rest: committee).",
    )
    seen_oratory_weight: float = Field(0.3, ge=0, description="Oratory in seen power.")
    seen_office_weight: float = Field(0.5, ge=0, description="Visible offices in seen power.")

    @classmethod
    def from_file(cls, path: str | Path) -> Parameters:
        """Load a parameters file written by calibration (JSON)."""
        return cls.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))


DEFAULT_PARAMETERS = Parameters()


def parameter_table(model: type[BaseModel] = Parameters, prefix: str = "") -> str:
    """The Markdown table of every parameter (nested models flattened as ``a.b``), as
    docs/model.md shows it."""

    def rows(kind: type[BaseModel], at: str) -> list[str]:
        out = []
        for name, field in kind.model_fields.items():
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                out += rows(annotation, f"{at}{name}.")
            else:
                out.append(f"| `{at}{name}` | {field.default!r} | {field.description} |")
        return out

    header = ["| parameter | default | description |", "|---|---|---|"]
    return "\n".join(header + rows(model, prefix))
