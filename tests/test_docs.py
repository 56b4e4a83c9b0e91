"""Docs that match the code."""

from __future__ import annotations

from pathlib import Path

from politburo.model.params import parameter_table
from politburo.model.switches import MECHANISMS

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
