"""Traits and stigma: per-leader qualities that change how others respond.

Traits (ambition, organization, oratory, cunning, arrogance, rigidity) and stigma (a
Menshevik past) come from the scenario. They are read through :meth:`Context.trait`;
switching the mechanism off gives every leader the neutral value and no stigma, which
is how an experiment asks what personalities added.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from politburo.model.params import Parameters
from politburo.model.world import World


def effective_traits(
    world: World, params: Parameters, on: frozenset[str]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(traits (L, 6), stigma (L,)) as the rules see them."""
    if "traits" in on:
        return world.traits, world.stigma
    return np.full_like(world.traits, params.neutral_trait), np.zeros_like(world.stigma)
