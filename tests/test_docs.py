"""Docs that match the code."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from politburo.analysis import facts
from politburo.mechanisms import MECHANISMS
from politburo.model.params import parameter_table
from politburo.scenario.schema import QuantitativeFact

DOCS = Path(__file__).parents[1] / "docs"
README = Path(__file__).parents[1] / "README.md"


def test_model_doc_lists_every_parameter_with_its_default() -> None:
    assert parameter_table() in (DOCS / "model.md").read_text(encoding="utf-8")


def test_model_doc_has_a_section_per_mechanism() -> None:
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    for name in MECHANISMS:
        assert f"### `{name}`" in text


def test_readme_names_every_mechanism_and_both_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    for name in MECHANISMS:
        assert f"`{name}`" in text
    assert "pip install -e . && politburo run ussr-1922 --seed 7" in text
    assert 'pip install -e ".[test]" && pytest' in text


def test_validation_and_scenario_docs_describe_every_kind_of_fact() -> None:
    union = get_args(get_args(QuantitativeFact)[0])
    kinds = [get_args(model.model_fields["kind"].annotation)[0] for model in union]
    assert len(kinds) == len(union) >= 5
    validation = (DOCS / "validation.md").read_text(encoding="utf-8")
    scenarios = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    for kind in kinds:
        assert f"| `{kind}` |" in validation, kind
        assert f"| `{kind}` |" in scenarios, kind
    for name in ("VOTE_SHARE_WITHIN", "MEMBERSHIP_WITHIN", "EXITS_WITHIN"):
        assert f"`{name}` = {getattr(facts, name):g}" in validation.replace("10%", "0.1"), name
