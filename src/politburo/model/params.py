"""Mechanism constants: one documented default set, shared by every scenario.

These are *global* parameters of the rules, not facts about a regime. Changing one to
make a single scenario come out "right" is a defect; calibration is a separate,
re-runnable procedure that writes a parameters file (see ``Parameters.from_file``).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Parameters(BaseModel):
    """Every mechanism constant, with its default and what it does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- decisions ----------------------------------------------------------------------
    actions_per_month: int = Field(2, ge=1, le=6, description="Action budget of a leader.")
    decision_noise: float = Field(
        0.25,
        ge=0,
        description="Scale of random taste added to action scores (bounded rationality).",
    )
    ambition_threshold: float = Field(
        0.35, ge=0, le=1, description="Below this ambition a leader never moves discipline."
    )

    # --- appointment --------------------------------------------------------------------
    appointment_success: float = Field(
        0.6, ge=0, le=1, description="Chance an appointment with full power replaces a secretary."
    )
    appointee_loyalty: float = Field(0.75, ge=0, le=1, description="Loyalty of a new appointee.")
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
        description="Share of an intake owing the recruiting machine (the rest follow the line).",
    )
    membership_growth: float = Field(
        0.002, ge=0, description="Monthly natural growth of veteran cohorts."
    )

    # --- votes --------------------------------------------------------------------------
    vote_loyalty_weight: float = Field(2.0, ge=0, description="Pull of a patron's instruction.")
    vote_policy_weight: float = Field(1.0, ge=0, description="Pull of policy agreement.")
    vote_prestige_weight: float = Field(1.2, ge=0, description="Pull of a target's prestige.")
    vote_fear_weight: float = Field(1.5, ge=0, description="Pull toward the side seen as stronger.")
    vote_stigma_weight: float = Field(0.8, ge=0, description="Push against a stigmatised target.")
    vote_pretext_weight: float = Field(
        0.8, ge=0, description="Push against a target caught in factional activity."
    )
    vote_noise: float = Field(0.5, ge=0, description="Idiosyncratic noise of one voter.")
    vote_collegiality: float = Field(
        1.5, ge=0, description="Reluctance to punish a comrade: a push against any discipline."
    )
    defection_rate: float = Field(
        0.2, ge=0, le=1, description="Scale of a client's chance to vote against his patron."
    )

    # --- congress (circular flow) -------------------------------------------------------
    slate_bonus: float = Field(
        1.0, ge=0, description="Extra weight of the slate-drafter's coalition in CC elections."
    )
    member_lean_temperature: float = Field(
        0.25, gt=0, description="How sharply veteran members prefer the most attractive leader."
    )
    uncommitted_share: float = Field(
        0.35, ge=0, le=1, description="Share of veteran members who follow no leader."
    )

    # --- information ---------------------------------------------------------------------
    detection_rate: float = Field(
        0.35,
        ge=0,
        le=1,
        description="Monthly chance full information detects an organized faction.",
    )
    material_gain: float = Field(
        0.15, ge=0, description="Material gathered per action at full info."
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
        0.05, ge=0, le=1, description="Monthly evidence an organized faction leaves under a ban."
    )

    # --- legitimacy ----------------------------------------------------------------------
    prestige_drift: float = Field(
        0.02, ge=0, le=1, description="Monthly pull of prestige back toward its starting level."
    )
    attack_effect: float = Field(
        0.05, ge=0, description="Prestige an attack removes at full oratory."
    )
    attack_backlash: float = Field(
        0.04, ge=0, description="Prestige an arrogant attacker loses among members."
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

    # --- alliances -----------------------------------------------------------------------
    alliance_policy_tolerance: float = Field(
        1.0, ge=0, description="Policy distance a flexible leader accepts in an ally."
    )
    threat_stature_weight: float = Field(
        0.5, ge=0, description="Weight of a rival's visible stature in how much he is feared."
    )
    alliance_break_power: float = Field(
        0.5, ge=0, le=1, description="An ally whose seen power passes this share becomes a threat."
    )

    # --- discipline ----------------------------------------------------------------------
    discipline_cooldown: int = Field(
        6, ge=0, description="Months before the next rung may be moved against the same target."
    )
    recant_threshold: float = Field(
        0.08, ge=0, le=1, description="Real power below which a flexible loser may recant."
    )

    # --- policy --------------------------------------------------------------------------
    position_shift: float = Field(0.15, ge=0, le=2, description="Step of a position shift.")
    line_shift: float = Field(0.2, ge=0, le=2, description="Step of a policy motion that passes.")
    crisis_prestige: float = Field(
        0.03, ge=0, description="Monthly prestige change from being on the right side of a crisis."
    )

    # --- traits --------------------------------------------------------------------------
    neutral_trait: float = Field(0.5, ge=0, le=1, description="Trait value when traits are off.")

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
